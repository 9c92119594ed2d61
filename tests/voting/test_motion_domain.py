"""The motion's domain functions and predicates, called directly (no client), and the reads."""

from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, Ballot, Motion, Resolution
from app.models.statuses import MotionKind, MotionStatus
from app.voting import queries, rules
from app.voting.ballots import open_motion
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

NOW = datetime(2026, 12, 1, 7, 0)


@pytest.mark.parametrize(
    ("status", "kind", "live", "hands"),
    [
        ("draft", "roll_call", False, False),
        ("open", "roll_call", True, False),
        ("open", "secret", True, False),
        ("open", "hands", False, True),
        ("closed", "roll_call", False, False),
        ("cancelled", "hands", False, False),
    ],
)
def test_live_and_awaiting_hand_counts(status, kind, live, hands):
    """Live means open and voted from phones; an open show of hands awaits its counts."""
    motion = Motion(status=status, kind=kind)
    assert motion.is_live is live
    assert motion.awaits_hand_counts is hands


def test_counted_cancellable_and_running_totals():
    """Counted once frozen; cancellable unless cancelled or resolved; totals only roll-call."""
    draft = Motion(status="draft", kind="secret")
    assert not draft.is_counted and draft.can_be_cancelled and not draft.allows_running_totals
    cancelled = Motion(status="cancelled", kind="roll_call", frozen={"result": {}})
    assert cancelled.is_counted and not cancelled.can_be_cancelled
    assert cancelled.allows_running_totals
    resolved = Motion(status="closed", frozen={"result": {}}, resolution=Resolution())
    assert not resolved.can_be_cancelled


def test_create_motion_makes_a_draft(app, ctx):
    """A motion on a decision item of a sitting meeting starts as a draft with its own rule."""
    body, convener, meeting, item = sitting()
    motion = rules.create_motion(
        db.session,
        item,
        text="甲",
        kind=MotionKind.SECRET,
        rule={"weighting": "seat"},
        created_by_id=convener.id,
    )
    db.session.commit()
    assert (motion.status, motion.kind, motion.meeting_id) == ("draft", "secret", meeting.id)
    assert rules.summary(motion) == {
        "status": "draft",
        "kind": "secret",
        "text": "甲",
        "rule": {"weighting": "seat"},
    }


def test_create_motion_refused_off_session_or_off_decision(app, ctx):
    """No motion on an item that is not a decision, nor while the meeting is not sitting."""
    body, convener, meeting, item = sitting(status="published")
    assert rules.creation_refusal(item) == rules.MEETING_NOT_IN_SESSION
    with pytest.raises(rules.MotionRuleError):
        rules.create_motion(
            db.session, item, text="甲", kind="roll_call", rule={}, created_by_id=convener.id
        )
    meeting.status = "in_session"
    talk = AgendaItem(meeting_id=meeting.id, position=2, kind="discussion", title="讨论")
    db.session.add(talk)
    db.session.flush()
    assert rules.creation_refusal(item) is None
    with pytest.raises(rules.MotionRuleError):
        rules.create_motion(
            db.session, talk, text="甲", kind="roll_call", rule={}, created_by_id=convener.id
        )


def test_cancel_keeps_reason_and_never_twice(app, ctx):
    """Cancelling records the reason and the time; a cancelled motion is not cancelled again."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item)
    with pytest.raises(rules.MotionRuleError):
        rules.cancel(motion, "  ", NOW, has_ballots=False)
    rules.cancel(motion, "弄错了", NOW, has_ballots=False)
    db.session.commit()
    assert (motion.status, motion.cancel_reason, motion.cancelled_at) == (
        "cancelled",
        "弄错了",
        NOW,
    )
    with pytest.raises(rules.MotionRuleError):
        rules.cancel(motion, "再来", NOW, has_ballots=False)


def test_a_counted_motion_is_never_withdrawn(app, ctx):
    """Once it has a ballot, or was closed and counted, a motion cannot be withdrawn (撤销)."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item)
    motion.status = "open"
    with pytest.raises(rules.MotionRuleError):
        rules.cancel(motion, "弄错了", NOW, has_ballots=True)
    motion.status = "closed"
    with pytest.raises(rules.MotionRuleError):
        rules.cancel(motion, "弄错了", NOW, has_ballots=False)
    assert not motion.can_be_cancelled


def test_refusal_reads_the_motion_and_its_meeting(app, ctx):
    """``rules.refusal`` asks the transition rules with the motion's own state and meeting."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, kind="hands")
    assert rules.refusal(motion, MotionStatus.OPEN) is None
    assert rules.refusal(motion, MotionStatus.CLOSED) == rules.NOT_ALLOWED_FROM_HERE
    motion.status = "open"
    assert rules.refusal(motion, MotionStatus.CLOSED) == rules.HANDS_NEED_COUNTS
    assert rules.refusal(motion, MotionStatus.CLOSED, via_hand_counts=True) is None
    meeting.status = "closed"
    assert rules.refusal(motion, MotionStatus.CANCELLED) == rules.MEETING_NOT_IN_SESSION


def test_running_totals_only_for_roll_call(app, ctx):
    """The running-totals switch works on a roll-call vote and is refused on a secret one."""
    body, convener, meeting, item = sitting()
    roll_call, secret = add_motion(meeting, item), add_motion(meeting, item, kind="secret")
    rules.show_running_totals(roll_call, True)
    assert roll_call.show_running_totals
    rules.show_running_totals(secret, False)
    with pytest.raises(rules.MotionRuleError):
        rules.show_running_totals(secret, True)
    assert not secret.show_running_totals


def test_reads_of_the_ballot_page_and_projector(app, ctx):
    """Open motions, the projected one, a member's ballot sheet and the present per constituency."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    cancelled = add_motion(meeting, item, status="cancelled", cancel_reason="弄错了")
    first, second = add_motion(meeting, item), add_motion(meeting, item)
    open_motion(db.session, first, NOW)
    db.session.add(Ballot(motion_id=first.id, seat_id=seats[0].id, choice="yes"))
    db.session.commit()
    assert queries.open_motions(db.session, meeting) == [first]
    assert queries.projected_motion(db.session, meeting) is None  # no current item yet
    meeting.current_item_id = item.id
    assert queries.projected_motion(db.session, meeting) == second != cancelled
    motions, cast = queries.ballot_sheet(db.session, meeting, seats)
    assert motions == [first] and set(cast) == {(first.id, seats[0].id)}
    street = next(c for c in body.constituencies if c.key == "street")
    present = queries.present_per_constituency(db.session, meeting)
    assert present[street.id] == 2 and sum(present.values()) == 2
    holder = seats[1].holder_id
    assert queries.ballot_link_counts(db.session, meeting, holder) == (1, 1)
    meeting.status = "closed"
    assert queries.ballot_sheet(db.session, meeting, seats) == ([], {})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Ballot)) == 1
