"""Minutes (会议纪要) of a meeting: gathered from the data, written out as Markdown (no Flask).

The minutes say, per constituency, how many seats were expected and present (应到/实到) and the
attendance rate (出席率); the substitutes and proxies with who set them; and for each agenda item
its notes and the outcome of its motions as frozen when they closed (a cancelled motion with its
reason), with the resolution a passed motion became.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.meetings import rules
from app.meetings.presence import presence_by_constituency
from app.models import (
    Choice,
    Meeting,
    Motion,
    MotionStatus,
    Proxy,
    Resolution,
    Seat,
    Substitute,
    User,
)
from app.voting.labels import frozen_explanation


@dataclass(frozen=True)
class AttendanceRow:
    """应到 / 实到 / 出席率 of one constituency (or of the whole body)."""

    name: str
    seats: int
    present: int
    rate: str


@dataclass(frozen=True)
class StandIn:
    """A substitute (替补) or a proxy (委托): which seat, whose, to whom, set by whom."""

    seat: str
    holder: str
    to: str
    set_by: str


@dataclass(frozen=True)
class Outcome:
    """What became of one motion of an item."""

    text: str
    status: str
    passed: bool | None
    yes: str = ""
    no: str = ""
    abstain: str = ""
    explanation: str = ""
    cancel_reason: str = ""
    resolution: str = ""


@dataclass(frozen=True)
class ItemMinutes:
    """One agenda item in the minutes."""

    position: int
    kind: str
    title: str
    presenter: str
    notes: str
    outcomes: list[Outcome] = field(default_factory=list)


@dataclass(frozen=True)
class Minutes:
    """Everything the minutes say about a meeting."""

    title: str
    place: str
    attendance: list[AttendanceRow]
    total: AttendanceRow
    quorum: rules.Quorum
    substitutes: list[StandIn]
    proxies: list[StandIn]
    items: list[ItemMinutes]


def _seat_label(seat: Seat) -> str:
    """The seat as the minutes name it, with whom it represents after a dot.

    The holder's name follows in brackets, so they are never doubled:
    商户 3 · 张记面馆（郭桂兰）.
    """
    label = f"{seat.constituency.name} {seat.number}"
    return f"{label} · {seat.represents}" if seat.represents else label


def _name(session: Session, user_id: int | None) -> str:
    user = session.get(User, user_id) if user_id else None
    return user.name if user else ""


def _outcome(motion: Motion, resolution: Resolution | None) -> Outcome:
    """A motion's outcome: seats voting each way (headcounts of the frozen votes) and result."""
    frozen = (motion.frozen or {}) if motion.status == MotionStatus.CLOSED else {}
    result = frozen.get("result", {})
    votes = frozen.get("votes") or {}
    counts = {
        choice: str(sum(v.get(choice, 0) for v in votes.values()))
        if votes
        else str(result.get(choice, ""))
        for choice in Choice
    }
    return Outcome(
        text=motion.text,
        status=motion.status,
        passed=result.get("passed") if result else None,
        **counts,
        explanation=frozen_explanation(frozen) if result else "",
        cancel_reason=motion.cancel_reason if motion.status == MotionStatus.CANCELLED else "",
        resolution=f"{resolution.number_text} {resolution.title}" if resolution else "",
    )


def collect(session: Session, meeting: Meeting) -> Minutes:
    """Gather the minutes of ``meeting`` from its attendance, roster, agenda and motions."""
    presence = presence_by_constituency(session, meeting)
    rows = [
        AttendanceRow(p.name, p.seats, p.present, rules.attendance_rate(p.present, p.seats))
        for p in presence
    ]
    seats, present = sum(r.seats for r in rows), sum(r.present for r in rows)
    total = AttendanceRow("", seats, present, rules.attendance_rate(present, seats))
    substitutes = [
        StandIn(
            _seat_label(session.get(Seat, s.seat_id)),
            _name(session, session.get(Seat, s.seat_id).holder_id),
            _name(session, s.user_id),
            _name(session, s.set_by_id),
        )
        for s in session.scalars(
            sa.select(Substitute).where(Substitute.meeting_id == meeting.id).order_by(Substitute.id)
        )
    ]
    substituted = {
        s.seat_id: s.user_id
        for s in session.scalars(sa.select(Substitute).where(Substitute.meeting_id == meeting.id))
    }
    proxies = []
    for proxy in session.scalars(
        sa.select(Proxy).where(Proxy.meeting_id == meeting.id).order_by(Proxy.id)
    ):
        seat = session.get(Seat, proxy.seat_id)
        voter = substituted.get(seat.id, seat.holder_id)
        proxies.append(
            StandIn(
                _seat_label(seat),
                _name(session, voter),
                _name(session, proxy.holder_id),
                _name(session, proxy.set_by_id),
            )
        )
    motions = session.scalars(
        sa.select(Motion).where(Motion.meeting_id == meeting.id).order_by(Motion.id)
    ).all()
    resolutions = {
        r.motion_id: r
        for r in session.scalars(
            sa.select(Resolution).where(Resolution.motion_id.in_([m.id for m in motions]))
        )
    }
    items = [
        ItemMinutes(
            item.position,
            item.kind,
            item.title,
            item.presenter,
            item.notes,
            [
                _outcome(m, resolutions.get(m.id))
                for m in motions
                if m.agenda_item_id == item.id
                and m.status in (MotionStatus.CLOSED, MotionStatus.CANCELLED)
            ],
        )
        for item in meeting.items
    ]
    return Minutes(
        title=meeting.title,
        place=meeting.place,
        attendance=rows,
        total=total,
        quorum=rules.quorum(present, seats, meeting.body.default_rule),
        substitutes=substitutes,
        proxies=proxies,
        items=items,
    )


def quorum_words(quorum: rules.Quorum, _: Callable[..., str]) -> str:
    """The quorum in words: 已达到法定人数 / 未达到法定人数（还差 N 席）."""
    if quorum.test is None:
        return _("本会议规则未设法定人数")
    if quorum.met:
        return _("已达到法定人数")
    if quorum.short_by is None:
        return _("未达到法定人数")
    return _("未达到法定人数（还差 %(n)s 席）", n=quorum.short_by)


def outcome_words(outcome: Outcome, _: Callable[..., str]) -> str:
    """A motion's outcome in words: 通过 / 未通过 / 已撤销（理由）."""
    if outcome.status == MotionStatus.CANCELLED:
        return _("已撤销：%(reason)s", reason=outcome.cancel_reason)
    return _("通过") if outcome.passed else _("未通过")


def counts_words(outcome: Outcome, _: Callable[..., str]) -> str:
    """How the seats voted, in words: 赞成 14 席，反对 2 席，弃权 1 席."""
    return _(
        "赞成 %(yes)s 席，反对 %(no)s 席，弃权 %(abstain)s 席",
        yes=outcome.yes,
        no=outcome.no,
        abstain=outcome.abstain,
    )


def markdown(minutes: Minutes, *, when: str, kinds: dict[str, str], _: Callable[..., str]) -> str:
    """The minutes as Markdown; ``when`` is the start in local time, ``_`` the gettext to use."""
    out = [f"# {minutes.title} {_('会议纪要')}", ""]
    out.append(f"- {_('时间')}：{when}")
    if minutes.place:
        out.append(f"- {_('地点')}：{minutes.place}")
    out += ["", f"## {_('出席情况')}", ""]
    out.append(f"| {_('界别')} | {_('应到')} | {_('实到')} | {_('出席率')} |")
    out.append("|---|---:|---:|---:|")
    for row in minutes.attendance:
        out.append(f"| {row.name} | {row.seats} | {row.present} | {row.rate} |")
    total = minutes.total
    out.append(f"| **{_('合计')}** | {total.seats} | {total.present} | {total.rate} |")
    out += ["", quorum_words(minutes.quorum, _), ""]
    for heading, people, verb in (
        (_("替补"), minutes.substitutes, _("由 %(to)s 替补")),
        (_("委托"), minutes.proxies, _("委托 %(to)s 表决")),
    ):
        if not people:
            continue
        out += [f"## {heading}", ""]
        for p in people:
            who = p.seat + (_("（%(text)s）") % {"text": p.holder} if p.holder else "")
            by = _("登记人：%(name)s") % {"name": p.set_by}
            out.append(f"- {who}{_('：')}{verb % {'to': p.to}}{_('，')}{by}")
        out.append("")
    out += [f"## {_('议程与结果')}", ""]
    for item in minutes.items:
        kind = _("（%(text)s）") % {"text": kinds.get(item.kind, item.kind)}
        out.append(f"### {item.position}. {item.title}{kind}")
        out.append("")
        if item.presenter:
            out.append(_("汇报人：%(name)s") % {"name": item.presenter})
            out.append("")
        for outcome in item.outcomes:
            out.append(f"- {_('表决事项：')}{outcome.text}")
            out.append(f"  - {_('结果：')}{outcome_words(outcome, _)}")
            if outcome.status == MotionStatus.CLOSED:
                out.append(f"  - {counts_words(outcome, _)}")
                if outcome.explanation:
                    out.append(f"  - {outcome.explanation}")
            if outcome.resolution:
                out.append(f"  - {_('形成决议：')}{outcome.resolution}")
        if item.outcomes:
            out.append("")
        if item.notes:
            out += [f"{_('纪要')}：", "", item.notes.strip(), ""]
    return "\n".join(out).rstrip() + "\n"
