"""The speaker queue (发言顺序) of an agenda item, by the body's rules of debate (no Flask here).

The rules, as simplified Robert's Rules (罗伯特议事规则) and the 南塘十三条 put them:

* members raise a hand (举手) from their phone while the meeting is in session and they are
  checked in; on a decision item they say whether they speak for (正方) or against (反方);
* a point of order (程序问题) goes ahead of the queue, in the order raised, and is not counted
  against the speaker's limit;
* otherwise, when the body alternates sides, the next speaker is from the side other than the
  last speaker's, if anyone of that side waits; among those, people who have not yet spoken on
  this item go first (when the body says so), then by the time they raised their hand;
* a person speaks at most ``speeches_per_item`` times on one item (one motion), each speech at
  most ``minutes_per_speech`` minutes; a hand over the limit is refused;
* one hand per person waits at a time, and one person speaks at a time (both held by the
  database's partial unique indexes);
* the chair calls the next speaker (ending the current speech), and ends a speech; the time
  used is kept per speech, so the minutes say who spoke, for or against, and for how long, and
  the projector shows the time used per constituency.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.meetings.rules import MeetingError
from app.models import (
    AgendaItem,
    Attendance,
    Constituency,
    ItemKind,
    Seat,
    Side,
    SpeechRequest,
    SpeechStatus,
    User,
)

SIDES = (Side.FOR, Side.AGAINST)
PROXY_SCOPES = ("any", "constituency")


@dataclass(frozen=True)
class FloorRules:
    """A body's rules of debate and of the floor (发言与委托规则); the defaults are the issue's."""

    #: Speeches per person on one item (one motion).
    speeches_per_item: int = 2
    #: Minutes per speech.
    minutes_per_speech: int = 2
    #: Speakers for and against take turns (正反方轮流发言).
    alternate: bool = True
    #: Those who have not yet spoken on the item go first (未发言者优先).
    unspoken_first: bool = True
    #: Who may hold a member's proxy (委托): any present member, or one of the same constituency.
    proxy_scope: str = "any"
    #: How many proxies one member may hold at a meeting.
    proxy_limit: int = 1
    #: Hide the running totals of a roll-call vote until it closes.
    hide_running_totals: bool = False

    def __post_init__(self) -> None:
        for name in ("speeches_per_item", "minutes_per_speech", "proxy_limit"):
            value = getattr(self, name)
            if type(value) is not int or not 1 <= value <= 60:
                raise ValueError(f"{name} must be a whole number from 1 to 60, got {value!r}")
        if self.proxy_scope not in PROXY_SCOPES:
            raise ValueError(f"proxy_scope must be one of {PROXY_SCOPES}, got {self.proxy_scope!r}")
        for name in ("alternate", "unspoken_first", "hide_running_totals"):
            if not isinstance(getattr(self, name), bool):
                raise ValueError(f"{name} must be true or false")

    @classmethod
    def from_json(cls, data: Mapping | None) -> FloorRules:
        """The rules a body stored (unknown keys ignored, missing ones take the defaults)."""
        known = {k: v for k, v in (data or {}).items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def to_json(self) -> dict:
        """The rules as the body stores them."""
        return {name: getattr(self, name) for name in self.__dataclass_fields__}


#: Presets the body settings offer. 南塘十三条: 2 minutes a speech, 2 speeches per motion,
#: for and against in turn, those who have not spoken first.
PRESETS = {
    "nantang": FloorRules(),
    "relaxed": FloorRules(speeches_per_item=3, minutes_per_speech=3, alternate=False),
}


@dataclass(frozen=True)
class Hand:
    """A raised hand waiting in the queue, as the ordering rules see it."""

    id: int
    person: int
    side: str = Side.NONE
    point_of_order: bool = False
    #: When it was raised (any sortable key: earlier first).
    order: object = 0


def hides_running_totals(body) -> bool:
    """Whether the body hides the running totals of every vote until it closes."""
    return FloorRules.from_json(body.floor_rules).hide_running_totals


def opposite(side: str | None) -> str | None:
    """The other side of a motion: for ↔ against; None when the last speaker took no side."""
    return {Side.FOR: Side.AGAINST, Side.AGAINST: Side.FOR}.get(side)


def queue_order(
    waiting: Sequence[Hand],
    spoken: Mapping[int, int],
    last_side: str | None,
    rules: FloorRules,
) -> list[Hand]:
    """The waiting hands in the order they will be called (see the module docstring).

    ``spoken`` is how many speeches each person already made on the item; ``last_side`` the
    side of the last speech that took one. Points of order come first in the order raised;
    then, step by step, the next speaker is chosen among those of the wanted side (the side
    other than the last one, when the body alternates and someone of it waits), preferring
    those who have not yet spoken (when the body says so), then the earliest raised hand. The
    side of each chosen speaker becomes the last side for the next step.
    """
    points = sorted((h for h in waiting if h.point_of_order), key=lambda h: h.order)
    rest = [h for h in waiting if not h.point_of_order]
    made = dict(spoken)
    ordered = []
    while rest:
        pool = rest
        wanted = opposite(last_side) if rules.alternate else None
        if wanted and any(h.side == wanted for h in rest):
            pool = [h for h in rest if h.side == wanted]
        if rules.unspoken_first and any(not made.get(h.person) for h in pool):
            pool = [h for h in pool if not made.get(h.person)]
        chosen = min(pool, key=lambda h: h.order)
        ordered.append(chosen)
        rest.remove(chosen)
        made[chosen.person] = made.get(chosen.person, 0) + 1
        if chosen.side in SIDES:
            last_side = chosen.side
    return points + ordered


def raise_refusal(
    *,
    in_session: bool,
    checked_in: bool,
    waiting: bool,
    speeches_made: int,
    point_of_order: bool,
    rules: FloorRules,
) -> str | None:
    """Why a hand may not be raised now, or None when it may.

    In order: "not_in_session"; "not_checked_in" (only people in the room speak);
    "already_waiting" (one hand at a time); "limit_reached" (the person made
    ``speeches_per_item`` speeches on the item; a point of order is not counted).
    """
    if not in_session:
        return "not_in_session"
    if not checked_in:
        return "not_checked_in"
    if waiting:
        return "already_waiting"
    if not point_of_order and speeches_made >= rules.speeches_per_item:
        return "limit_reached"
    return None


def side_for(item: AgendaItem, side: str) -> str:
    """The side a hand is recorded with: for or against on a decision item, none otherwise.

    Raises MeetingError("side_needed") when a decision item's hand names no side.
    """
    if item.kind != ItemKind.DECISION:
        return Side.NONE
    if side not in SIDES:
        raise MeetingError("side_needed")
    return side


def seconds_left(allowed: int, started: datetime, now: datetime) -> int:
    """Seconds left of a speech; negative once it runs over (超时)."""
    return allowed - int((now - started).total_seconds())


def seconds_spoken(request: SpeechRequest, now: datetime) -> int:
    """How long a speech lasted (so far, while it runs)."""
    if request.started_at is None:
        return 0
    end = request.ended_at or now
    return max(0, int((end - request.started_at).total_seconds()))


# --- on the database ----------------------------------------------------------------------------


@dataclass
class Floor:
    """An item's floor as the pages show it: who speaks, who waits in order, time per group."""

    item: AgendaItem
    rules: FloorRules
    speaking: SpeechRequest | None
    queue: list[SpeechRequest]
    done: list[SpeechRequest]
    spoken: dict[int, int]
    #: Seconds used per constituency name, in the body's order (who spoke from which seat).
    time_used: list[tuple[str, int]] = field(default_factory=list)

    def place_of(self, user_id: int) -> int | None:
        """1-based place of the person's hand in the queue, or None."""
        for place, request in enumerate(self.queue, start=1):
            if request.user_id == user_id:
                return place
        return None

    def speeches_of(self, user_id: int) -> int:
        """Speeches the person made on the item (points of order not counted)."""
        return self.spoken.get(user_id, 0)


def rules_of(item: AgendaItem) -> FloorRules:
    """The floor rules of the item's body."""
    return FloorRules.from_json(item.meeting.body.floor_rules)


def floor(session: Session, item: AgendaItem, now: datetime) -> Floor:
    """The item's speaker, ordered queue, finished speeches and time used per constituency."""
    rules = rules_of(item)
    requests = session.scalars(
        sa.select(SpeechRequest)
        .where(SpeechRequest.agenda_item_id == item.id)
        .order_by(SpeechRequest.requested_at, SpeechRequest.id)
    ).all()
    done = [r for r in requests if r.status == SpeechStatus.DONE]
    speaking = next((r for r in requests if r.status == SpeechStatus.SPEAKING), None)
    held = [r for r in done + ([speaking] if speaking else []) if not r.point_of_order]
    spoken: dict[int, int] = {}
    for r in held:
        spoken[r.user_id] = spoken.get(r.user_id, 0) + 1
    sided = sorted((r for r in held if r.side in SIDES), key=lambda r: r.started_at)
    last_side = sided[-1].side if sided else None
    waiting = {r.id: r for r in requests if r.status == SpeechStatus.WAITING}
    hands = [
        Hand(r.id, r.user_id, r.side, r.point_of_order, (r.requested_at, r.id))
        for r in waiting.values()
    ]
    queue = [waiting[h.id] for h in queue_order(hands, spoken, last_side, rules)]
    return Floor(
        item,
        rules,
        speaking,
        queue,
        done,
        spoken,
        _time_used(session, item, done + ([speaking] if speaking else []), now),
    )


def _time_used(session, item, speeches, now) -> list[tuple[str, int]]:
    constituencies = session.execute(
        sa.select(Constituency.id, Constituency.name)
        .where(Constituency.body_id == item.meeting.body_id)
        .order_by(Constituency.position, Constituency.id)
    ).all()
    seat_group = dict(
        session.execute(
            sa.select(Seat.id, Seat.constituency_id).where(
                Seat.id.in_([s.seat_id for s in speeches if s.seat_id])
            )
        ).all()
    )
    used = {cid: 0 for cid, _ in constituencies}
    for speech in speeches:
        group = seat_group.get(speech.seat_id)
        if group in used:
            used[group] += seconds_spoken(speech, now)
    return [(name, used[cid]) for cid, name in constituencies]


def speaker_seat_id(session: Session, item: AgendaItem, user_id: int) -> int | None:
    """The seat a speaker is counted under: the first seat they checked in for at the meeting."""
    return session.scalar(
        sa.select(Attendance.seat_id)
        .where(Attendance.meeting_id == item.meeting_id, Attendance.user_id == user_id)
        .order_by(Attendance.id)
        .limit(1)
    )


def raise_hand(
    session: Session,
    item: AgendaItem,
    user_id: int,
    *,
    side: str,
    point_of_order: bool,
    now: datetime,
) -> SpeechRequest:
    """Raise a hand on the item (see ``raise_refusal``); raises MeetingError with the code.

    Two taps at once make one hand: the database's unique index on the waiting hand decides.
    """
    rules = rules_of(item)
    seat_id = speaker_seat_id(session, item, user_id)
    made = session.scalar(
        sa.select(sa.func.count()).where(
            SpeechRequest.agenda_item_id == item.id,
            SpeechRequest.user_id == user_id,
            SpeechRequest.status.in_([SpeechStatus.DONE, SpeechStatus.SPEAKING]),
            SpeechRequest.point_of_order.is_(False),
        )
    )
    waiting = session.scalar(
        sa.select(SpeechRequest.id).where(
            SpeechRequest.agenda_item_id == item.id,
            SpeechRequest.user_id == user_id,
            SpeechRequest.status == SpeechStatus.WAITING,
        )
    )
    code = raise_refusal(
        in_session=item.meeting.in_session,
        checked_in=seat_id is not None,
        waiting=waiting is not None,
        speeches_made=made,
        point_of_order=point_of_order,
        rules=rules,
    )
    if code:
        raise MeetingError(code)
    request = SpeechRequest(
        agenda_item_id=item.id,
        user_id=user_id,
        seat_id=seat_id,
        side=Side.NONE if point_of_order else side_for(item, side),
        point_of_order=point_of_order,
        status=SpeechStatus.WAITING,
        requested_at=now,
    )
    try:
        with session.begin_nested():
            session.add(request)
    except IntegrityError:
        raise MeetingError("already_waiting") from None
    return request


def lower_hand(session: Session, item: AgendaItem, user_id: int) -> SpeechRequest | None:
    """Withdraw the person's waiting hand on the item; returns it, or None when none waited."""
    request = session.scalar(
        sa.select(SpeechRequest).where(
            SpeechRequest.agenda_item_id == item.id,
            SpeechRequest.user_id == user_id,
            SpeechRequest.status == SpeechStatus.WAITING,
        )
    )
    if request is not None:
        request.status = SpeechStatus.WITHDRAWN
    return request


def end_speech(session: Session, item: AgendaItem, now: datetime) -> SpeechRequest | None:
    """End the current speech on the item (its time is kept); None when nobody was speaking."""
    current = session.scalar(
        sa.select(SpeechRequest).where(
            SpeechRequest.agenda_item_id == item.id,
            SpeechRequest.status == SpeechStatus.SPEAKING,
        )
    )
    if current is not None:
        current.status = SpeechStatus.DONE
        current.ended_at = now
        session.flush()
    return current


def call_next(
    session: Session, item: AgendaItem, now: datetime, request_id: int | None = None
) -> SpeechRequest:
    """The chair gives the floor: ends the current speech and starts the head of the queue.

    With ``request_id`` the chair grants that waiting hand instead (e.g. a point of order
    raised from the floor). Raises MeetingError("not_in_session"), ("queue_empty") or
    ("not_waiting") when the chosen hand no longer waits; ("busy") when another chair's call
    started a speech at the same moment (the unique index on the speaker decides).
    """
    if not item.meeting.in_session:
        raise MeetingError("not_in_session")
    end_speech(session, item, now)
    state = floor(session, item, now)
    if request_id is None:
        if not state.queue:
            raise MeetingError("queue_empty")
        chosen = state.queue[0]
    else:
        chosen = next((r for r in state.queue if r.id == request_id), None)
        if chosen is None:
            raise MeetingError("not_waiting")
    chosen.status = SpeechStatus.SPEAKING
    chosen.started_at = now
    chosen.allowed_seconds = state.rules.minutes_per_speech * 60
    try:
        with session.begin_nested():
            session.flush()
    except IntegrityError:
        raise MeetingError("busy") from None
    return chosen


@dataclass(frozen=True)
class SpeechLine:
    """One speech in the minutes: who, from which seat, which side, how long."""

    name: str
    seat: str
    side: str
    point_of_order: bool
    seconds: int


def speeches_of_meeting(
    session: Session, meeting_id: int, now: datetime
) -> dict[int, list[SpeechLine]]:
    """Every speech made at the meeting (done or running), by item id, in the order given."""
    rows = session.execute(
        sa.select(SpeechRequest, User.name, Constituency.name, Seat.number)
        .join(AgendaItem, SpeechRequest.agenda_item_id == AgendaItem.id)
        .join(User, SpeechRequest.user_id == User.id)
        .outerjoin(Seat, SpeechRequest.seat_id == Seat.id)
        .outerjoin(Constituency, Seat.constituency_id == Constituency.id)
        .where(
            AgendaItem.meeting_id == meeting_id,
            SpeechRequest.status.in_([SpeechStatus.DONE, SpeechStatus.SPEAKING]),
        )
        .order_by(SpeechRequest.started_at, SpeechRequest.id)
    ).all()
    by_item: dict[int, list[SpeechLine]] = {}
    for request, name, constituency, number in rows:
        seat = f"{constituency} {number}" if constituency else ""
        by_item.setdefault(request.agenda_item_id, []).append(
            SpeechLine(
                name, seat, request.side, request.point_of_order, seconds_spoken(request, now)
            )
        )
    return by_item


def with_preset(rules: FloorRules, preset: str) -> FloorRules:
    """The speaking rules of a preset, keeping the body's proxy and vote settings."""
    chosen = PRESETS[preset]
    return replace(
        rules,
        speeches_per_item=chosen.speeches_per_item,
        minutes_per_speech=chosen.minutes_per_speech,
        alternate=chosen.alternate,
        unspoken_first=chosen.unspoken_first,
    )
