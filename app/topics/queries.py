"""Reads of the topics area: plain SQLAlchemy on a session, no Flask."""

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Body, MeToo, Topic, TopicStatus, User
from app.models.topics import OPEN_STATUSES

#: The triage queue shows at most this many topics at once (the filters narrow it down).
QUEUE_LIMIT = 300


def public_listing(body_id: int, *, words: str = "", status: str = "", category: str = ""):
    """The statement listing a body's topics by search words, status and category, newest first.

    A statement rather than rows, so the view can page through it.
    """
    query = sa.select(Topic).where(Topic.body_id == body_id)
    if words:
        query = query.where(
            sa.or_(
                Topic.title.icontains(words, autoescape=True),
                Topic.description.icontains(words, autoescape=True),
                Topic.receipt_no.icontains(words, autoescape=True),
            )
        )
    if status:
        query = query.where(Topic.status == status)
    if category:
        query = query.where(Topic.category == category)
    return query.order_by(Topic.created_at.desc(), Topic.id.desc())


def actor_names(session: Session, topic: Topic) -> dict[int, str]:
    """Names of the people who moved the topic after its submission, for its public history."""
    ids = {e.actor_id for e in topic.events if e.actor_id and e.to_status != TopicStatus.SUBMITTED}
    if not ids:
        return {}
    return dict(session.execute(sa.select(User.id, User.name).where(User.id.in_(ids))).all())


def merged_into(session: Session, topic: Topic) -> list[Topic]:
    """The topics that were merged into ``topic``."""
    return list(session.scalars(sa.select(Topic).where(Topic.merged_into_id == topic.id)))


def open_topics(session: Session, body: Body) -> list[Topic]:
    """The body's open topics, oldest first: those another topic may be merged into."""
    return list(
        session.scalars(
            sa.select(Topic)
            .where(Topic.body_id == body.id, Topic.status.in_(OPEN_STATUSES))
            .order_by(Topic.created_at, Topic.id)
        )
    )


def triage_queue(
    session: Session, body: Body, statuses: Iterable[str] = (), category: str = ""
) -> list[Topic]:
    """The convener's queue: ready topics first, then the oldest; all statuses when none given."""
    query = sa.select(Topic).where(Topic.body_id == body.id)
    if statuses:
        query = query.where(Topic.status.in_(statuses))
    if category:
        query = query.where(Topic.category == category)
    topics = session.scalars(query.order_by(Topic.created_at, Topic.id).limit(QUEUE_LIMIT)).all()
    return sorted(topics, key=lambda t: not t.is_ready(body.seconds_needed))


def me_too_state(session: Session, topic: Topic, device_hash: str | None) -> tuple[int, bool]:
    """How many devices said "我也遇到过" on the topic, and whether this device is one."""
    count = session.scalar(
        sa.select(sa.func.count()).select_from(MeToo).where(MeToo.topic_id == topic.id)
    )
    mine = device_hash is not None and session.get(MeToo, (topic.id, device_hash)) is not None
    return count, mine
