"""The questions a topic answers about itself, and the topics area's reads and helpers."""

from datetime import datetime

import pytest

from app.extensions import db
from app.models import Topic, TopicEvent, TopicStatus
from app.topics import queries, rules, submission
from tests.factories import make_body, make_user


def _topic(body, n, status=TopicStatus.SUBMITTED, **fields):
    topic = Topic(
        body_id=body.id,
        receipt_no=f"Q-{body.id}-{n}",
        follow_token_hash=f"{body.id:032d}{n:032d}",
        title=fields.pop("title", f"议题{n}"),
        description=fields.pop("description", "说明"),
        category=fields.pop("category", "环境卫生"),
        status=status,
        **fields,
    )
    db.session.add(topic)
    db.session.flush()
    return topic


@pytest.mark.parametrize(
    ("status", "is_open", "awaits_triage", "awaits_info"),
    [
        (TopicStatus.SUBMITTED, True, True, False),
        (TopicStatus.NEEDS_INFO, True, True, True),
        (TopicStatus.ACCEPTED, True, False, False),
        (TopicStatus.ON_AGENDA, False, False, False),
        (TopicStatus.MERGED, False, False, False),
        (TopicStatus.DECLINED, False, False, False),
        (TopicStatus.DECIDED, False, False, False),
    ],
)
def test_status_predicates(status, is_open, awaits_triage, awaits_info):
    """Open topics take seconds; submitted and needs-info wait for triage; needs-info asks."""
    topic = Topic(status=status)
    assert (topic.is_open, topic.awaits_triage, topic.awaits_info) == (
        is_open,
        awaits_triage,
        awaits_info,
    )


def test_is_ready_only_while_waiting_for_triage():
    """Enough seconds make a waiting topic ready, but not one already accepted."""
    assert Topic(status=TopicStatus.NEEDS_INFO, seconds_count=2).is_ready(2)
    assert not Topic(status=TopicStatus.ACCEPTED, seconds_count=5).is_ready(2)


def test_question_is_the_latest_request_for_information():
    """A topic asked twice for more information shows the second question; never asked: None."""
    topic = Topic(status=TopicStatus.NEEDS_INFO)
    assert topic.question is None
    first = TopicEvent(from_status="submitted", to_status="needs_info", note="在哪里？")
    back = TopicEvent(from_status="needs_info", to_status="submitted", note="华兴路口")
    second = TopicEvent(from_status="submitted", to_status="needs_info", note="几点钟？")
    topic.events = [first, back, second]
    assert topic.question is second


def test_audit_state_names_target_and_reason(ctx):
    """The audit keeps a merged topic's survivor and a declined topic's reason, nothing empty."""
    body = make_body(holders=False)
    loser, survivor, other = _topic(body, 1), _topic(body, 2), _topic(body, 3)
    rules.merge(loser, survivor)
    rules.decline(other, "duplicate")
    assert rules.audit_state(survivor) == {"status": "submitted"}
    assert rules.audit_state(loser) == {"status": "merged", "merged_into": survivor.id}
    assert rules.audit_state(other) == {"status": "declined", "decline_reason": "duplicate"}


def test_decoy_looks_stored_but_is_not(ctx):
    """A decoy gets the next receipt number of the year, and nothing is added to the session."""
    body = make_body(slug="huaxing", holders=False)
    topic, _token = submission.submit(
        db.session,
        body,
        {"title": "路灯", "description": "不亮", "category": "设施"},
        year=2026,
    )
    db.session.flush()
    fake = submission.decoy(db.session, body, "垃圾广告", year=2026)
    assert fake.receipt_no == "HUAXING-2026-0002" and fake.status == TopicStatus.SUBMITTED
    assert fake not in db.session and topic.receipt_no == "HUAXING-2026-0001"


def test_public_listing_searches_and_filters(ctx):
    """The public list finds words in title or receipt, narrows by status, newest first."""
    body = make_body(holders=False)
    old = _topic(body, 1, title="路灯不亮", created_at=datetime(2026, 1, 1))
    new = _topic(body, 2, title="路灯坏了", created_at=datetime(2026, 2, 1))
    _topic(body, 3, title="垃圾", status=TopicStatus.ACCEPTED)
    found = db.session.scalars(queries.public_listing(body.id, words="路灯")).all()
    assert found == [new, old]
    accepted = db.session.scalars(queries.public_listing(body.id, status="accepted")).all()
    assert [t.title for t in accepted] == ["垃圾"]
    by_receipt = db.session.scalars(queries.public_listing(body.id, words=old.receipt_no)).all()
    assert by_receipt == [old]


def test_triage_queue_puts_ready_topics_first(ctx):
    """Ready topics lead the queue, then the oldest; a status filter narrows it."""
    body = make_body(holders=False, seconds_needed=2)
    first = _topic(body, 1, created_at=datetime(2026, 1, 1))
    ready = _topic(body, 2, created_at=datetime(2026, 1, 2), seconds_count=2)
    accepted = _topic(body, 3, status=TopicStatus.ACCEPTED, created_at=datetime(2026, 1, 3))
    assert queries.triage_queue(db.session, body) == [ready, first, accepted]
    waiting = queries.triage_queue(db.session, body, (TopicStatus.SUBMITTED,))
    assert waiting == [ready, first]


def test_open_topics_merged_into_and_actor_names(ctx):
    """Open topics are merge targets; a survivor lists what was merged in, with who moved it."""
    body = make_body(holders=False)
    convener = make_user("召集人甲")
    loser, survivor = _topic(body, 1), _topic(body, 2)
    _topic(body, 3, status=TopicStatus.DECIDED)
    rules.merge(loser, survivor, actor=convener)
    db.session.flush()
    assert queries.open_topics(db.session, body) == [survivor]
    assert queries.merged_into(db.session, survivor) == [loser]
    assert queries.actor_names(db.session, loser) == {convener.id: "召集人甲"}
    assert queries.actor_names(db.session, survivor) == {}


def test_merge_with_an_expired_actor(ctx):
    """Merging by a person whose row must be reloaded keeps status and target together."""
    body = make_body(holders=False)
    loser, survivor = _topic(body, 1), _topic(body, 2)
    convener = make_user("召集人乙")  # its commit expires every loaded object
    rules.merge(loser, survivor, actor=convener)
    db.session.flush()
    assert loser.merged_into_id == survivor.id and loser.events[-1].actor_id == convener.id
