"""The rules of a motion's life and of who may cast a ballot (no Flask here).

A motion (动议) moves draft → open → closed, and may be withdrawn (撤销) with a recorded reason
only while nobody has voted on it: once it has a ballot, or has been closed and counted, its
result is part of the official record and is final. Nothing goes back: a closed vote is never
reopened or withdrawn; to undo a decision the body passes a new motion that rescinds or
reconsiders it (复议), which names the old one, and both stay on the record. Only the body's
conveners (and administrators) move a motion, and only while the meeting is in session.

A ballot (选票) is accepted when the motion is open, is voted from phones (not a show of hands),
the meeting is in session, and the seat is one of the present seats whose vote this person
casts (own seat, substitute or proxy; see ``app.meetings.presence``).
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import datetime

from sqlalchemy.orm import Session

from app.models import AgendaItem, Motion
from app.models.statuses import ItemKind, MeetingStatus, MotionKind, MotionStatus

#: Where each state may go next.
TRANSITIONS = {
    MotionStatus.DRAFT: (MotionStatus.OPEN, MotionStatus.CANCELLED),
    MotionStatus.OPEN: (MotionStatus.CLOSED, MotionStatus.CANCELLED),
    MotionStatus.CLOSED: (),
    MotionStatus.CANCELLED: (),
}

# Why a motion cannot be moved, as codes the views turn into words.
MEETING_NOT_IN_SESSION = "meeting_not_in_session"
NOT_CONVENER = "not_convener"
NOT_ALLOWED_FROM_HERE = "not_allowed_from_here"
HAS_RESOLUTION = "has_resolution"
HANDS_NEED_COUNTS = "hands_need_counts"
COUNTED = "counted"

# Why a ballot is refused.
MOTION_NOT_OPEN = "motion_not_open"
SHOW_OF_HANDS = "show_of_hands"
NOT_VOTER = "not_voter"
SEAT_NOT_PRESENT = "seat_not_present"
NOT_YOUR_SEAT = "not_your_seat"
RECUSED = "recused"


class MotionRuleError(ValueError):
    """A change to a motion that its rules do not allow; the message says why."""


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The states a motion in ``status`` may move to; a cancelled motion goes nowhere."""
    return TRANSITIONS[status]


def transition_refusal(
    status: str,
    target: str,
    *,
    is_convener: bool,
    meeting_status: str,
    kind: str = MotionKind.ROLL_CALL,
    has_resolution: bool = False,
    has_ballots: bool = False,
    via_hand_counts: bool = False,
) -> str | None:
    """Why a motion may not move from ``status`` to ``target``, or None when it may.

    The checks, in order: only conveners; a counted result is final, so a motion that was
    closed and counted, or has any ballot, is never withdrawn (``COUNTED``: pass a motion that
    rescinds it instead); only while the meeting is in session; only along ``TRANSITIONS``; a
    motion that became a resolution is never cancelled; a show-of-hands
    motion closes only by entering its counts (``via_hand_counts``), and those counts close
    nothing but a show of hands.
    """
    if not is_convener:
        return NOT_CONVENER
    if target == MotionStatus.CANCELLED and (status == MotionStatus.CLOSED or has_ballots):
        return COUNTED
    if meeting_status != MeetingStatus.IN_SESSION:
        return MEETING_NOT_IN_SESSION
    if target not in TRANSITIONS[status]:
        return NOT_ALLOWED_FROM_HERE
    if target == MotionStatus.CANCELLED and has_resolution:
        return HAS_RESOLUTION
    hands = kind == MotionKind.HANDS
    if target == MotionStatus.CLOSED and hands != via_hand_counts:
        return HANDS_NEED_COUNTS if hands else NOT_ALLOWED_FROM_HERE
    return None


def refusal(
    motion: Motion, target: str, *, via_hand_counts: bool = False, has_ballots: bool = False
) -> str | None:
    """Why the convener may not move ``motion`` to ``target`` now (see ``transition_refusal``).

    The caller has already established that the current person convenes the motion's body, and
    says whether the motion has any ballot.
    """
    return transition_refusal(
        motion.status,
        target,
        is_convener=True,
        meeting_status=motion.meeting.status,
        kind=motion.kind,
        has_resolution=motion.resolution is not None,
        has_ballots=has_ballots,
        via_hand_counts=via_hand_counts,
    )


def creation_refusal(item: AgendaItem) -> str | None:
    """Why no motion may be put on ``item`` now: only while its meeting is in session."""
    if item.meeting.status != MeetingStatus.IN_SESSION:
        return MEETING_NOT_IN_SESSION
    return None


def create_motion(
    session: Session,
    item: AgendaItem,
    *,
    text: str,
    kind: str,
    rule: dict,
    created_by_id: int,
    rescinds: Motion | None = None,
) -> Motion:
    """Put a decision item to the vote: a draft motion, opened later by the convener.

    Only a decision item (表决) of a meeting in session carries motions; the rule is stored as
    given (a fresh dict), so a later change of the body's default rule leaves it alone. A motion
    may rescind or reconsider (复议) an earlier counted motion of the same body, which it names.
    """
    if item.kind != ItemKind.DECISION:
        raise MotionRuleError("only a decision item is put to the vote")
    if creation_refusal(item):
        raise MotionRuleError("motions are made while the meeting is in session")
    if rescinds is not None and not may_be_rescinded(rescinds, item.meeting.body_id):
        raise MotionRuleError("only a counted motion of the same body is reconsidered")
    motion = Motion(
        meeting_id=item.meeting_id,
        agenda_item_id=item.id,
        text=text,
        kind=kind,
        rule=rule,
        status=MotionStatus.DRAFT,
        created_by_id=created_by_id,
        rescinds=rescinds,
    )
    session.add(motion)
    return motion


def may_be_rescinded(motion: Motion, body_id: int) -> bool:
    """A motion of the body that was closed and counted may be rescinded or reconsidered (复议)."""
    return motion.status == MotionStatus.CLOSED and motion.meeting.body_id == body_id


def cancel(motion: Motion, reason: str, now: datetime, *, has_ballots: bool) -> None:
    """Withdraw (撤销) the motion with its recorded reason; it is never reopened.

    Only a draft or open motion that nobody has voted on may be withdrawn: a counted result is
    final (see the module docstring).
    """
    if not reason.strip():
        raise MotionRuleError("a cancelled motion needs its reason")
    if (
        MotionStatus.CANCELLED not in TRANSITIONS[motion.status]
        or motion.resolution is not None
        or has_ballots
    ):
        raise MotionRuleError(f"a {motion.status} motion with ballots cannot be withdrawn")
    motion.status = MotionStatus.CANCELLED
    motion.cancelled_at = now
    motion.cancel_reason = reason


def show_running_totals(motion: Motion, show: bool) -> None:
    """Show or hide the running yes/no/abstain totals while the vote is open.

    Only a roll-call vote may show them: totals that move as each person taps would tell the
    room how the person who just voted in a secret ballot chose.
    """
    if show and not motion.allows_running_totals:
        raise MotionRuleError("only a roll-call vote shows running totals")
    motion.show_running_totals = show


def summary(motion: Motion) -> dict:
    """What the audit log keeps of a motion when it is created, opened or closed."""
    out = {"status": motion.status, "kind": motion.kind, "text": motion.text, "rule": motion.rule}
    if motion.rescinds is not None:
        out["rescinds_id"] = motion.rescinds.id
    return out


def ballot_refusal(
    *,
    motion_status: str,
    kind: str,
    meeting_status: str,
    seat_id: int,
    seats_voted: Collection[int],
    seats_of_person: Collection[int],
    is_voter: bool,
    recused: Collection[int] = (),
) -> str | None:
    """Why this person's ballot for ``seat_id`` is refused, or None when it is accepted.

    ``seats_voted`` are the present seats this person votes for now; ``seats_of_person`` the
    seats they would vote for if present (held, substituted or handed by proxy); ``is_voter``
    whether they are a member of the body or stand in for a seat at this meeting. In order: a
    person with no part in the body is refused outright (the views answer 403); the motion must
    be open in a sitting meeting and voted from phones; the seat must be theirs, and present;
    a seat standing aside (回避) on the motion's item (in ``recused``) casts no ballot.
    """
    if not is_voter:
        return NOT_VOTER
    if motion_status != MotionStatus.OPEN or meeting_status != MeetingStatus.IN_SESSION:
        return MOTION_NOT_OPEN
    if kind == MotionKind.HANDS:
        return SHOW_OF_HANDS
    if seat_id in seats_voted:
        return RECUSED if seat_id in recused else None
    if seat_id in seats_of_person:
        return SEAT_NOT_PRESENT
    return NOT_YOUR_SEAT


def needs_confirmation(confirm_ballots: bool, confirmed: bool) -> bool:
    """Whether a tapped choice waits for its second tap instead of being recorded now.

    A body that asks for confirmation (the default) records a ballot only from the "确认：赞成"
    button that follows the choice, so a mis-tap beside a big button is never final; a body that
    turned it off for fast rooms records the first tap.
    """
    return confirm_ballots and not confirmed


def hand_count_errors(seats: int, present: int, yes: int, no: int, abstain: int) -> dict:
    """Field errors for one constituency's show-of-hands counts: {field: code}; empty when valid.

    docs/counting.md: 0 ≤ present ≤ seats, and yes + no + abstain ≤ present. A sum over present is
    reported on every choice that is not zero (the convener sees which numbers to look at).
    """
    errors = {}
    for name, value in (("present", present), ("yes", yes), ("no", no), ("abstain", abstain)):
        if value < 0:
            errors[name] = "negative"
    if "present" not in errors and present > seats:
        errors["present"] = "present_over_seats"
    if not errors and yes + no + abstain > present:
        for name, value in (("yes", yes), ("no", no), ("abstain", abstain)):
            if value:
                errors[name] = "votes_over_present"
    return errors
