"""The rules of a motion's life and of who may cast a ballot (no Flask here).

A motion (动议) moves draft → open → closed, and may be cancelled (撤销) with a recorded reason
from draft, open, or closed as long as no resolution was made from it. Nothing goes back: a
closed vote is never reopened; a convener who made a mistake cancels the motion and starts a
new one. Only the body's conveners (and administrators) move a motion, and only while the
meeting is in session.

A ballot (选票) is accepted when the motion is open, is voted from phones (not a show of hands),
the meeting is in session, and the seat is one of the present seats whose vote this person
casts (own seat, substitute or proxy; see ``app.meetings.presence``).
"""

from __future__ import annotations

from collections.abc import Collection

#: Where each state may go next.
TRANSITIONS = {
    "draft": ("open", "cancelled"),
    "open": ("closed", "cancelled"),
    "closed": ("cancelled",),
    "cancelled": (),
}

# Why a motion cannot be moved, as codes the views turn into words.
MEETING_NOT_IN_SESSION = "meeting_not_in_session"
NOT_CONVENER = "not_convener"
NOT_ALLOWED_FROM_HERE = "not_allowed_from_here"
HAS_RESOLUTION = "has_resolution"
HANDS_NEED_COUNTS = "hands_need_counts"

# Why a ballot is refused.
MOTION_NOT_OPEN = "motion_not_open"
SHOW_OF_HANDS = "show_of_hands"
NOT_VOTER = "not_voter"
SEAT_NOT_PRESENT = "seat_not_present"
NOT_YOUR_SEAT = "not_your_seat"


def allowed_transitions(status: str) -> tuple[str, ...]:
    """The states a motion in ``status`` may move to; a cancelled motion goes nowhere."""
    return TRANSITIONS[status]


def transition_refusal(
    status: str,
    target: str,
    *,
    is_convener: bool,
    meeting_status: str,
    kind: str = "roll_call",
    has_resolution: bool = False,
    via_hand_counts: bool = False,
) -> str | None:
    """Why a motion may not move from ``status`` to ``target``, or None when it may.

    The checks, in order: only conveners; only while the meeting is in session; only along
    ``TRANSITIONS``; a motion that became a resolution is never cancelled; a show-of-hands
    motion closes only by entering its counts (``via_hand_counts``), and those counts close
    nothing but a show of hands.
    """
    if not is_convener:
        return NOT_CONVENER
    if meeting_status != "in_session":
        return MEETING_NOT_IN_SESSION
    if target not in TRANSITIONS[status]:
        return NOT_ALLOWED_FROM_HERE
    if target == "cancelled" and has_resolution:
        return HAS_RESOLUTION
    if target == "closed" and (kind == "hands") != via_hand_counts:
        return HANDS_NEED_COUNTS if kind == "hands" else NOT_ALLOWED_FROM_HERE
    return None


def ballot_refusal(
    *,
    motion_status: str,
    kind: str,
    meeting_status: str,
    seat_id: int,
    seats_voted: Collection[int],
    seats_of_person: Collection[int],
    is_voter: bool,
) -> str | None:
    """Why this person's ballot for ``seat_id`` is refused, or None when it is accepted.

    ``seats_voted`` are the present seats this person votes for now; ``seats_of_person`` the
    seats they would vote for if present (held, substituted or handed by proxy); ``is_voter``
    whether they are a member of the body or stand in for a seat at this meeting. In order: a
    person with no part in the body is refused outright (the views answer 403); the motion must
    be open in a sitting meeting and voted from phones; the seat must be theirs, and present.
    """
    if not is_voter:
        return NOT_VOTER
    if motion_status != "open" or meeting_status != "in_session":
        return MOTION_NOT_OPEN
    if kind == "hands":
        return SHOW_OF_HANDS
    if seat_id in seats_voted:
        return None
    if seat_id in seats_of_person:
        return SEAT_NOT_PRESENT
    return NOT_YOUR_SEAT


def hand_count_errors(seats: int, present: int, yes: int, no: int, abstain: int) -> dict:
    """Field errors for one constituency's show-of-hands counts: {field: code}; empty when valid.

    VOTING.md: 0 ≤ present ≤ seats, and yes + no + abstain ≤ present. A sum over present is
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
