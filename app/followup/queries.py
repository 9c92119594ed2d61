"""Reads of the follow-up area: plain SQLAlchemy on a session, no Flask."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Rating, Resolution, Task, Topic
from app.models.statuses import ResolutionStatus, TaskStatus


def rating_tasks_of_topic(session: Session, topic: Topic) -> list[tuple[Task, bool]]:
    """Completed tasks of published resolutions answering ``topic``, each with "already rated".

    "Already rated" means the topic's submitter rated the task's current round.
    """
    tasks = session.scalars(
        sa.select(Task)
        .join(Resolution)
        .where(
            Resolution.topics.any(Topic.id == topic.id),
            Resolution.status == ResolutionStatus.PUBLISHED,
            Task.status == TaskStatus.COMPLETED,
        )
        .order_by(Task.id)
    ).all()
    rated = set(
        session.execute(
            sa.select(Rating.task_id, Rating.round).where(Rating.topic_id == topic.id)
        ).all()
    )
    return [(task, (task.id, task.round) in rated) for task in tasks]
