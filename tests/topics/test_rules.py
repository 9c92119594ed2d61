"""The topic state machine, tested without a client."""

import pytest

from app.extensions import db
from app.models import Second, Topic
from app.topics import rules
from app.topics.rules import TransitionError
from tests.factories import make_body, make_user


def _topic(body, n=1, status="submitted"):
    topic = Topic(
        body_id=body.id,
        receipt_no=f"T-{body.id}-{n}",
        follow_token_hash=f"{body.id:032d}{n:032d}",
        title=f"议题{n}",
        description="说明",
        category="environment",
        status=status,
    )
    db.session.add(topic)
    db.session.flush()
    return topic


def test_allowed_transitions_of_final_statuses_are_empty():
    """Merged, declined and decided topics cannot move any more."""
    for status in ("merged", "declined", "decided"):
        assert rules.allowed_transitions(status) == ()


def test_decided_reachable_from_accepted_and_on_agenda_only():
    """A resolution may answer an accepted or on-agenda topic, nothing else."""
    reaching = {s for s, targets in rules.ALLOWED.items() if "decided" in targets}
    assert reaching == {"accepted", "on_agenda"}


def test_move_records_event_and_status(ctx):
    """move() sets the status and appends an event with from, to, actor and note."""
    body = make_body(holders=False)
    user = make_user()
    topic = _topic(body)
    event = rules.move(topic, "accepted", actor=user, note="好")
    assert topic.status == "accepted"
    assert (event.from_status, event.to_status, event.actor_id, event.note) == (
        "submitted",
        "accepted",
        user.id,
        "好",
    )
    assert topic.events[-1] is event
    rules.move(topic, "on_agenda")
    rules.move(topic, "decided")
    assert [e.to_status for e in topic.events] == ["accepted", "on_agenda", "decided"]


def test_move_refuses_disallowed_transition(ctx):
    """A submitted topic cannot jump to on_agenda; the error is a ValueError with a message."""
    topic = _topic(make_body(holders=False))
    with pytest.raises(TransitionError, match="submitted"):
        rules.move(topic, "on_agenda")
    with pytest.raises(ValueError):
        rules.move(topic, "merged")
    assert topic.status == "submitted" and topic.events == []


def test_merge_moves_seconds_without_duplicates(ctx):
    """Merging carries seconds over; a member who seconded both counts once."""
    body = make_body(holders=False)
    a, b, c = make_user(), make_user(), make_user()
    loser, survivor = _topic(body, 1), _topic(body, 2)
    db.session.add_all(
        [
            Second(topic_id=loser.id, user_id=a.id),
            Second(topic_id=loser.id, user_id=b.id),
            Second(topic_id=survivor.id, user_id=b.id),
            Second(topic_id=survivor.id, user_id=c.id),
        ]
    )
    loser.seconds_count, survivor.seconds_count = 2, 2
    db.session.flush()
    rules.merge(loser, survivor, actor=a, note="重复")
    db.session.flush()
    assert loser.status == "merged" and loser.merged_into_id == survivor.id
    assert survivor.seconds_count == 3 and loser.seconds_count == 0
    users = set(db.session.scalars(db.select(Second.user_id).where(Second.topic_id == survivor.id)))
    assert users == {a.id, b.id, c.id}


def test_merge_refuses_other_body_and_self(ctx):
    """A topic cannot be merged into itself or into another body's topic."""
    body, other = make_body(holders=False), make_body(holders=False)
    topic, foreign = _topic(body, 1), _topic(other, 1)
    with pytest.raises(TransitionError):
        rules.merge(topic, topic)
    with pytest.raises(TransitionError):
        rules.merge(topic, foreign)


def test_decline_requires_known_reason(ctx):
    """decline() needs a listed reason and stores it with the note."""
    topic = _topic(make_body(holders=False))
    with pytest.raises(TransitionError):
        rules.decline(topic, "", "随便")
    rules.decline(topic, "outside_remit", "请找街道", None)
    assert (topic.status, topic.decline_reason, topic.decline_note) == (
        "declined",
        "outside_remit",
        "请找街道",
    )


def test_is_ready_needs_enough_seconds():
    """A topic is ready once it has the body's number of seconds; 0 means no marker."""
    topic = Topic(status="submitted", seconds_count=3)
    assert topic.is_ready(3)
    assert not topic.is_ready(4)
    assert not topic.is_ready(0)


def test_survivor_follows_merges_of_merges(ctx):
    """A topic merged into a topic that was merged in turn lives on in the last one."""
    body = make_body(holders=False)
    a, b, c = _topic(body, 1), _topic(body, 2), _topic(body, 3)
    rules.merge(a, b)
    rules.merge(b, c)
    db.session.flush()
    assert rules.survivor(a) is c and rules.survivor(c) is c
