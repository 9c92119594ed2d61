"""The motion state machine, who may cast a ballot, and show-of-hands checks (plain functions)."""

import pytest

from app.voting import rules


def test_transitions_go_forward_only():
    """Draft opens, open closes, draft and open may be withdrawn; a counted vote goes nowhere."""
    assert rules.allowed_transitions("draft") == ("open", "cancelled")
    assert rules.allowed_transitions("open") == ("closed", "cancelled")
    assert rules.allowed_transitions("closed") == ()
    assert rules.allowed_transitions("cancelled") == ()


@pytest.mark.parametrize(
    ("status", "target", "kwargs", "expected"),
    [
        ("draft", "open", {}, None),
        ("draft", "open", {"is_convener": False}, rules.NOT_CONVENER),
        ("draft", "open", {"meeting_status": "published"}, rules.MEETING_NOT_IN_SESSION),
        ("closed", "open", {}, rules.NOT_ALLOWED_FROM_HERE),
        ("cancelled", "open", {}, rules.NOT_ALLOWED_FROM_HERE),
        ("draft", "closed", {}, rules.NOT_ALLOWED_FROM_HERE),
        ("open", "closed", {}, None),
        ("open", "closed", {"kind": "hands"}, rules.HANDS_NEED_COUNTS),
        ("open", "closed", {"kind": "hands", "via_hand_counts": True}, None),
        ("open", "closed", {"via_hand_counts": True}, rules.NOT_ALLOWED_FROM_HERE),
        ("closed", "cancelled", {}, rules.COUNTED),
        ("closed", "cancelled", {"has_resolution": True}, rules.COUNTED),
        ("closed", "cancelled", {"meeting_status": "closed"}, rules.COUNTED),
        ("open", "cancelled", {"has_ballots": True}, rules.COUNTED),
        ("open", "cancelled", {}, None),
        ("draft", "cancelled", {"has_ballots": False}, None),
    ],
)
def test_transition_refusal(status, target, kwargs, expected):
    """Each transition is refused for the documented reason, or allowed."""
    arguments = {"is_convener": True, "meeting_status": "in_session"} | kwargs
    assert rules.transition_refusal(status, target, **arguments) == expected


def _refusal(**kwargs):
    arguments = {
        "motion_status": "open",
        "kind": "roll_call",
        "meeting_status": "in_session",
        "seat_id": 1,
        "seats_voted": {1},
        "seats_of_person": {1},
        "is_voter": True,
    }
    return rules.ballot_refusal(**(arguments | kwargs))


def test_ballot_refusals():
    """A ballot needs a voter, an open phone vote in a sitting meeting, and a present own seat."""
    assert _refusal() is None
    assert _refusal(is_voter=False) == rules.NOT_VOTER
    assert _refusal(is_voter=False, motion_status="closed") == rules.NOT_VOTER
    assert _refusal(motion_status="closed") == rules.MOTION_NOT_OPEN
    assert _refusal(meeting_status="closed") == rules.MOTION_NOT_OPEN
    assert _refusal(kind="hands") == rules.SHOW_OF_HANDS
    assert _refusal(seats_voted=set()) == rules.SEAT_NOT_PRESENT
    assert _refusal(seat_id=2) == rules.NOT_YOUR_SEAT


def test_hand_counts_checked_against_present_and_seats():
    """Show-of-hands counts: yes+no+abstain ≤ present ≤ seats, no negatives, said per field."""
    assert rules.hand_count_errors(8, 6, 1, 5, 0) == {}
    assert rules.hand_count_errors(8, 9, 0, 0, 0) == {"present": "present_over_seats"}
    assert rules.hand_count_errors(8, 6, 4, 3, 0) == {
        "yes": "votes_over_present",
        "no": "votes_over_present",
    }
    assert rules.hand_count_errors(8, -1, 0, 0, 0) == {"present": "negative"}
