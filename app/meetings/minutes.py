"""Minutes (会议纪要) of a meeting: gathered from the data, written out as Markdown (no Flask).

The minutes say the meeting's number in its body, its actual start and end (recorded when the
convener opened and closed the session), 主持人 and 记录人; per constituency how many seats were
expected and present (应到/实到) and the attendance rate (出席率); the attendance by name and
seat (present, absent, 请假, substitutes, proxies); for each agenda item its notes and each
motion's full result as frozen when it closed (in seats per constituency, roll-call names, the
motion it rescinds) with the resolution a passed motion became; whether the minutes were
confirmed, and every correction appended since.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.meetings import recusal, rules, speakers
from app.meetings.presence import presence_by_constituency, present_seat_ids
from app.models import (
    Choice,
    Constituency,
    Leave,
    Meeting,
    MeetingStatus,
    MinutesCorrection,
    Motion,
    MotionStatus,
    Proxy,
    Resolution,
    Seat,
    Substitute,
    User,
)
from app.voting import amendments
from app.voting import record as vote_record


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
class SeatAttendance:
    """One seat at the meeting, by name: 出席, 缺席, 请假, with its substitute or proxy."""

    constituency: str
    number: int
    holder: str
    #: present, absent or leave.
    status: str
    substitute: str = ""
    proxy: str = ""
    note: str = ""


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
    motion_id: int = 0
    #: The full counted result (seats per constituency, roll-call names), when counted.
    record: vote_record.Record | None = None
    #: The earlier motion this one rescinds (复议), and the later ones rescinding it.
    rescinds: str = ""
    rescinded_by: tuple[str, ...] = ()


@dataclass(frozen=True)
class FloorLine:
    """A motion or amendment moved from the floor, as the minutes record it."""

    amendment: bool
    text: str
    previous_text: str | None
    mover: str
    seconder: str
    status: str
    reason: str


@dataclass(frozen=True)
class ItemMinutes:
    """One agenda item in the minutes."""

    position: int
    kind: str
    title: str
    presenter: str
    notes: str
    outcomes: list[Outcome] = field(default_factory=list)
    #: Seats that stood aside (回避) on the item, with why.
    recusals: list[recusal.StoodAside] = field(default_factory=list)
    #: Who spoke (发言), for or against, and how long.
    speeches: list[speakers.SpeechLine] = field(default_factory=list)
    #: Motions and amendments moved from the floor, with mover, seconder and fate.
    moved: list[FloorLine] = field(default_factory=list)


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
    number: int = 0
    chair: str = ""
    recorder: str = ""
    seats: list[SeatAttendance] = field(default_factory=list)
    corrections: list[MinutesCorrection] = field(default_factory=list)


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


def _motion_label(motion: Motion) -> str:
    return f"{motion.meeting.title} · {motion.text}"


def _outcome(motion: Motion, resolution: Resolution | None, locale: str) -> Outcome:
    """A motion's outcome: seats voting each way (headcounts of the frozen votes) and result."""
    frozen = (motion.frozen or {}) if motion.status == MotionStatus.CLOSED else {}
    record = vote_record.record_of(motion, locale) if frozen else None
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
        explanation=record.explanation if record else "",
        cancel_reason=motion.cancel_reason if motion.status == MotionStatus.CANCELLED else "",
        resolution=f"{resolution.number_text} {resolution.title}" if resolution else "",
        motion_id=motion.id,
        record=record,
        rescinds=_motion_label(motion.rescinds) if motion.rescinds else "",
        rescinded_by=tuple(_motion_label(m) for m in motion.rescinded_by),
    )


def meeting_number(session: Session, meeting: Meeting) -> int:
    """The meeting's number in its body (第 N 次): its place among the body's meetings by start.

    Drafts are not counted, so a numbered meeting keeps its number when a draft is added.
    """
    return session.scalar(
        sa.select(sa.func.count())
        .select_from(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.status != MeetingStatus.DRAFT,
            sa.or_(
                Meeting.starts_at < meeting.starts_at,
                sa.and_(Meeting.starts_at == meeting.starts_at, Meeting.id <= meeting.id),
            ),
        )
    )


def seat_attendance(session: Session, meeting: Meeting) -> list[SeatAttendance]:
    """Every seat of the body at the meeting, by name: present, on leave (请假) or absent.

    A present seat names its substitute or proxy holder; a seat is on leave when the convener
    recorded it so and it did not come after all.
    """
    present = present_seat_ids(session, meeting.id)
    substitutes = dict(
        session.execute(
            sa.select(Substitute.seat_id, Substitute.user_id).where(
                Substitute.meeting_id == meeting.id
            )
        ).all()
    )
    proxies = dict(
        session.execute(
            sa.select(Proxy.seat_id, Proxy.holder_id).where(Proxy.meeting_id == meeting.id)
        ).all()
    )
    leaves = dict(
        session.execute(
            sa.select(Leave.seat_id, Leave.note).where(Leave.meeting_id == meeting.id)
        ).all()
    )
    seats = session.execute(
        sa.select(Seat.id, Seat.number, Seat.holder_id, Constituency.name)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id)
        .order_by(Constituency.position, Constituency.id, Seat.number)
    ).all()
    people = {s.holder_id for s in seats} | set(substitutes.values()) | set(proxies.values())
    names = dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(people))).all())
    rows = []
    for seat_id, number, holder_id, constituency in seats:
        if seat_id in present:
            status = "present"
        elif seat_id in leaves:
            status = "leave"
        else:
            status = "absent"
        rows.append(
            SeatAttendance(
                constituency=constituency,
                number=number,
                holder=names.get(holder_id, "") if holder_id else "",
                status=status,
                substitute=names.get(substitutes.get(seat_id), ""),
                proxy=names.get(proxies.get(seat_id), "") if status == "present" else "",
                note=leaves.get(seat_id, "") if status == "leave" else "",
            )
        )
    return rows


def collect(session: Session, meeting: Meeting, locale: str = "zh") -> Minutes:
    """Gather the minutes of ``meeting`` from its attendance, roster, agenda and motions.

    ``locale`` is the reader's language, in which each result's sentence is said.
    """
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
    stood_aside = recusal.recusals_of_meeting(session, meeting.id)
    spoken = speakers.speeches_of_meeting(session, meeting.id, clock.now())
    moved = {
        item_id: [
            FloorLine(
                amendment=fm.amends_id is not None,
                text=fm.text,
                previous_text=fm.previous_text,
                mover=fm.moved_by.name,
                seconder=fm.seconded_by.name if fm.seconded_by else "",
                status=fm.status,
                reason=fm.ruling_reason,
            )
            for fm in rows
        ]
        for item_id, rows in amendments.floor_motions_of_meeting(session, meeting.id).items()
    }
    items = [
        ItemMinutes(
            item.position,
            item.kind,
            item.title,
            item.presenter,
            item.notes,
            [
                _outcome(m, resolutions.get(m.id), locale)
                for m in motions
                if m.agenda_item_id == item.id
                and m.status in (MotionStatus.CLOSED, MotionStatus.CANCELLED)
            ],
            stood_aside.get(item.id, []),
            spoken.get(item.id, []),
            moved.get(item.id, []),
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
        number=meeting_number(session, meeting),
        chair=meeting.chair,
        recorder=meeting.recorder,
        seats=seat_attendance(session, meeting),
        corrections=list(
            session.scalars(
                sa.select(MinutesCorrection)
                .where(MinutesCorrection.meeting_id == meeting.id)
                .order_by(MinutesCorrection.id)
            )
        ),
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


def floor_line_words(line: FloorLine, _: Callable[..., str]) -> str:
    """A floor motion in words: 修正案（动议人 甲，附议人 乙）：text（原文：…）——已列入表决."""
    kind = _("修正案") if line.amendment else _("动议")
    people = _("动议人 %(name)s", name=line.mover)
    if line.seconder:
        people += _("，") + _("附议人 %(name)s", name=line.seconder)
    words = kind + _("（%(text)s）", text=people) + _("：") + line.text
    if line.previous_text is not None:
        words += _("（%(text)s）", text=_("通过，原文：%(text)s", text=line.previous_text))
    states = {
        "moved": _("未获附议"),
        "seconded": _("已附议，未处理"),
        "admitted": _("已列入表决"),
        "ruled_out": _("不予受理：%(reason)s", reason=line.reason),
        "withdrawn": _("动议人已撤回"),
    }
    return f"{words}——{states.get(line.status, line.status)}"


def speech_words(speech: speakers.SpeechLine, _: Callable[..., str]) -> str:
    """One speech in words: 张三（商户 2），正方，1:30."""
    who = speech.name + (_("（%(text)s）", text=speech.seat) if speech.seat else "")
    if speech.point_of_order:
        side = _("程序问题")
    else:
        side = {"for": _("正方"), "against": _("反方")}.get(speech.side, "")
    length = f"{speech.seconds // 60}:{speech.seconds % 60:02d}"
    return _("，").join(part for part in (who, side, length) if part)


def markdown(minutes: Minutes, *, when: str, kinds: dict[str, str], _: Callable[..., str]) -> str:
    """The minutes as Markdown; ``when`` is the start in local time, ``_`` the gettext to use."""
    colon, comma = _("："), _("，")
    out = [f"# {minutes.title} {_('会议纪要')}", ""]
    if minutes.number:
        out.append(f"- {_('会次')}{colon}{_('第 %(n)s 次会议', n=minutes.number)}")
    out.append(f"- {_('时间')}{colon}{when}")
    if minutes.place:
        out.append(f"- {_('地点')}{colon}{minutes.place}")
    out.append(f"- {_('主持人')}{colon}{minutes.chair or '—'}")
    out.append(f"- {_('记录人')}{colon}{minutes.recorder or '—'}")
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
            if outcome.rescinds:
                out.append(f"  - {_('复议：%(m)s', m=outcome.rescinds)}")
            if outcome.record:
                out.append(f"  - {vote_record.sentence(outcome.record, _)}")
                out += ["", *_seat_table_md(outcome.record, _), ""]
                if outcome.record.roll:
                    out += [*_roll_md(outcome.record, _), ""]
            if outcome.resolution:
                out.append(f"  - {_('形成决议：')}{outcome.resolution}")
        for r in item.recusals:
            who = r.seat + (_("（%(text)s）", text=r.holder) if r.holder else "")
            out.append(f"- {_('回避')}{colon}{who}{comma}{_('理由')}{colon}{r.reason}")
        if item.outcomes or item.recusals:
            out.append("")
        for line in item.moved:
            out.append(f"- {floor_line_words(line, _)}")
        if item.moved:
            out.append("")
        if item.speeches:
            out += [f"{_('发言')}{colon}", ""]
            for s in item.speeches:
                out.append(f"- {speech_words(s, _)}")
            out.append("")
        if item.notes:
            out += [f"{_('纪要')}{colon}", "", item.notes.strip(), ""]
    for correction in minutes.corrections:
        reason = _("（%(text)s）", text=_("更正理由：%(r)s", r=correction.reason))
        out.append(f"- {_('更正')}{colon}{correction.text}{reason}")
    out += ["", f"{_('主持人')}{colon}____________  {_('记录人')}{colon}____________", ""]
    out.append(f"{_('参会代表签字')}{colon}")
    return "\n".join(out).rstrip() + "\n"


def _seat_table_md(record: vote_record.Record, _: Callable[..., str]) -> list[str]:
    """A result's seats per constituency as a Markdown table."""
    heads = ("界别", "应到", "实到", "赞成", "反对", "弃权", "未投票")
    lines = ["| " + " | ".join(_(h) for h in heads) + " |", "|---" + "|---:" * 6 + "|"]
    for row in [*record.rows, record.total]:
        name = row.name or _("合计")
        figures = (row.seats, row.present, row.yes, row.no, row.abstain, row.not_voted)
        lines.append(f"| {name} | " + " | ".join(str(f) for f in figures) + " |")
    return lines


def _roll_md(record: vote_record.Record, _: Callable[..., str]) -> list[str]:
    """A roll-call vote's names, one line per seat."""
    words = {
        "yes": _("赞成"),
        "no": _("反对"),
        "abstain": _("弃权"),
        vote_record.NOT_VOTED: _("出席未投票"),
        vote_record.ABSENT: _("缺席"),
    }
    lines = []
    for r in record.roll or []:
        voter = _("（%(text)s）", text=r.voter) if r.voter and r.via else ""
        lines.append(f"- {r.constituency} {r.seat} {r.member}{voter}{_('：')}{words[r.choice]}")
    return lines
