"""The rules of a meeting (会议): its states, its agenda, proxies and the quorum (no Flask here).

States and who moves them (the caller checks that the actor convenes the body)::

    draft ──publish──▶ published ──start──▶ in_session ──close──▶ closed

* publishing needs at least one agenda item; publishing with less than the meeting's notice
  period (``notice_days``) before the start is allowed but answered with a warning;
* a closed meeting is final: its agenda, roster and notes no longer change;
* the agenda can be changed until the meeting closes; once published, every change is public
  (议程变更记录), so the caller records it.

Proxies (委托): for one meeting a seat hands its vote to another member who has checked in; a
seat has at most one proxy, and one member carries several only when the body allows it.

Quorum (法定人数): present seats / all seats, by headcount, against the body's ``quorum`` test.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from fractions import Fraction

from app.counting.tally import Test, parse_fraction
from app.models import AgendaItem, Meeting, MeetingStatus, MotionStatus

#: Allowed transitions: action → (from state, to state).
TRANSITIONS: dict[str, tuple[MeetingStatus, MeetingStatus]] = {
    "publish": (MeetingStatus.DRAFT, MeetingStatus.PUBLISHED),
    "start": (MeetingStatus.PUBLISHED, MeetingStatus.IN_SESSION),
    "close": (MeetingStatus.IN_SESSION, MeetingStatus.CLOSED),
}

#: A meeting's details, as the meeting form sets them and the audit log keeps them.
DETAILS = ("title", "starts_at", "ends_at", "place", "chair", "recorder", "notice_days")

#: An agenda item's fields the convener may change after adding it.
ITEM_FIELDS = ("title", "kind", "presenter", "minutes_allotted", "description")


class MeetingError(ValueError):
    """A step the rules refuse; ``code`` names the reason (the view says it in words)."""

    def __init__(self, code: str, **details):
        super().__init__(code)
        self.code = code
        self.details = details


def allowed_actions(meeting: Meeting) -> list[str]:
    """The state actions possible from the meeting's current state (at most one)."""
    return [action for action, (source, _) in TRANSITIONS.items() if source == meeting.status]


def notice_is_short(meeting: Meeting, now: datetime) -> bool:
    """Whether less than ``notice_days`` days are left before the meeting starts."""
    return meeting.starts_at - now < timedelta(days=meeting.notice_days)


def transition(meeting: Meeting, action: str, now: datetime) -> list[str]:
    """Apply ``action`` (publish, start, close) and return warning codes (e.g. "short_notice").

    Raises ``MeetingError("wrong_state")`` when the meeting is not in the action's source state
    and ``MeetingError("empty_agenda")`` when publishing a meeting with no agenda item. A
    meeting cannot close while one of its votes is still open (``MeetingError("vote_open")``):
    a vote left open would never be counted, since votes are only closed during the session.
    """
    if action not in TRANSITIONS:
        raise MeetingError("unknown_action")
    source, target = TRANSITIONS[action]
    if meeting.status != source:
        raise MeetingError("wrong_state", status=meeting.status)
    warnings = []
    if action == "publish":
        if not meeting.items:
            raise MeetingError("empty_agenda")
        if notice_is_short(meeting, now):
            warnings.append("short_notice")
        meeting.published_at = now
    elif action == "start":
        meeting.opened_at = now
    else:
        if any(m.status == MotionStatus.OPEN for item in meeting.items for m in item.motions):
            raise MeetingError("vote_open")
        meeting.closed_at = now
        meeting.current_item_id = None
    meeting.status = target
    return warnings


def _require_editable(meeting: Meeting) -> None:
    """Refuse any change to a closed meeting (``MeetingError("closed")``): it is final."""
    if meeting.is_closed:
        raise MeetingError("closed")


def new_meeting(body_id: int, **details) -> Meeting:
    """A draft meeting of the body with ``details`` (see ``DETAILS``) and its check-in token.

    The token is the secret in the room's QR code (/checkin/<token>), so it is random.
    """
    return Meeting(
        body_id=body_id,
        status=MeetingStatus.DRAFT,
        checkin_token=secrets.token_urlsafe(16),
        **details,
    )


def summary(meeting: Meeting) -> dict:
    """What the audit log keeps of a meeting's details (JSON-ready)."""
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "chair": meeting.chair,
        "recorder": meeting.recorder,
        "notice_days": meeting.notice_days,
    }


def change_details(meeting: Meeting, **details) -> dict:
    """Change the meeting's title, time, place or notice; return the summary from before.

    A closed meeting is final (``MeetingError("closed")``). Only names in ``DETAILS`` are set.
    """
    _require_editable(meeting)
    before = summary(meeting)
    for name in DETAILS:
        if name in details:
            setattr(meeting, name, details[name])
    return before


def add_item(meeting: Meeting, **fields) -> AgendaItem:
    """Add an agenda item at the end of the agenda."""
    _require_editable(meeting)
    position = max((item.position for item in meeting.items), default=0) + 1
    item = AgendaItem(position=position, **fields)
    meeting.items.append(item)
    return item


def move_item(meeting: Meeting, item: AgendaItem, direction: str) -> bool:
    """Swap ``item`` with its neighbour above ("up") or below ("down").

    Positions are renumbered 1..n first, so gaps left by removed items never stop a move.
    Returns False when the item is already first (up) or last (down).
    """
    _require_editable(meeting)
    items = sorted(meeting.items, key=lambda i: (i.position, i.id or 0))
    index = items.index(item)
    other = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= other < len(items):
        return False
    items[index], items[other] = items[other], items[index]
    for position, each in enumerate(items, start=1):
        each.position = position
    meeting.items.sort(key=lambda i: i.position)
    return True


def edit_item(meeting: Meeting, item: AgendaItem, **fields) -> dict:
    """Change an item's title, kind, presenter, time or description; return the old values.

    The title is kept without surrounding spaces; names outside ``ITEM_FIELDS`` are ignored.
    A closed meeting's agenda no longer changes (``MeetingError("closed")``).
    """
    _require_editable(meeting)
    before = {name: getattr(item, name) for name in ITEM_FIELDS}
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    item.title = item.title.strip()
    return before


def keep_notes(meeting: Meeting, item: AgendaItem, notes: str) -> str:
    """Keep the convener's notes on an item for the minutes; return the notes they replace.

    Notes are written until the meeting closes (``MeetingError("closed")``).
    """
    _require_editable(meeting)
    before, item.notes = item.notes, notes
    return before


def remove_item(meeting: Meeting, item: AgendaItem) -> None:
    """Take an item off the agenda; an item that already has a motion stays (its vote is kept)."""
    _require_editable(meeting)
    if item.motions:
        raise MeetingError("item_has_motions")
    if meeting.current_item_id == item.id:
        meeting.current_item_id = None
    meeting.items.remove(item)
    for position, each in enumerate(meeting.items, start=1):
        each.position = position


def set_current_item(meeting: Meeting, item: AgendaItem | None) -> None:
    """Point the room (projector, members' phones) at an item; only while in session."""
    if not meeting.in_session:
        raise MeetingError("not_in_session")
    meeting.current_item_id = item.id if item else None


def check_proxy(
    *,
    seat_id: int,
    seat_voter_id: int | None,
    holder_id: int,
    present_people: set[int],
    proxied_seats: dict[int, int],
    allow_multiple: bool,
) -> None:
    """Refuse a proxy (委托) the rules do not allow; return None when it may be recorded.

    ``seat_voter_id`` is whoever votes the seat without a proxy (its substitute or holder),
    ``present_people`` the people checked in at the meeting, ``proxied_seats`` maps each seat
    that already has a proxy to its proxy holder. Reasons, in the order checked:
    "self" (a seat cannot hand its vote to its own voter), "seat_taken" (one proxy per seat),
    "not_present" (the proxy holder must have checked in), "holder_busy" (the member already
    carries a proxy and the body does not allow several).
    """
    if holder_id == seat_voter_id:
        raise MeetingError("self")
    if seat_id in proxied_seats:
        raise MeetingError("seat_taken")
    if holder_id not in present_people:
        raise MeetingError("not_present")
    if not allow_multiple and holder_id in proxied_seats.values():
        raise MeetingError("holder_busy")


@dataclass(frozen=True)
class Quorum:
    """Whether the quorum (法定人数) holds: present / all seats against the rule's test.

    ``test`` is None when the rule sets no quorum; then ``met`` is True. ``short_by`` is how many
    more seats must be present for it to hold (0 when met, None when it never can).
    """

    present: int
    seats: int
    test: Test | None
    met: bool
    short_by: int | None


def quorum_test(rule: dict | None) -> Test | None:
    """The quorum test of a voting rule, or None when it sets none."""
    raw = (rule or {}).get("quorum")
    if not raw:
        return None
    return Test(raw["op"], parse_fraction(raw["value"]))


def quorum(present: int, seats: int, rule: dict | None) -> Quorum:
    """Apply the rule's quorum test to ``present`` of ``seats`` (e.g. > 1/2 of 20 needs 11)."""
    test = quorum_test(rule)
    if test is None:
        return Quorum(present, seats, None, True, 0)

    def holds(count: int) -> bool:
        return seats > 0 and test.holds(Fraction(count, seats))

    if holds(present):
        return Quorum(present, seats, test, True, 0)
    short_by = next((n for n in range(1, seats - present + 1) if holds(present + n)), None)
    return Quorum(present, seats, test, False, short_by)


def attendance_rate(present: int, seats: int) -> str:
    """出席率 as a percentage with one decimal, e.g. 17 of 20 → "85.0%" ("—" with no seats)."""
    if seats <= 0:
        return "—"
    tenths = Fraction(present * 1000, seats)
    rounded = int(tenths + Fraction(1, 2))  # half up, exactly
    return f"{rounded // 10}.{rounded % 10}%"


def minutes_readable(*, closed: bool, members_only: bool, insider: bool) -> bool:
    """Who reads a meeting's minutes (会议纪要).

    Members and conveners of the body always (the draft minutes grow during the meeting); once
    the meeting is closed, anyone, unless the body chose to keep its minutes to members
    (``members_only``, off by default).
    """
    return insider or (closed and not members_only)
