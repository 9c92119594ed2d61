"""The outbox: notices beyond the app, kept until delivered, retried, never lost.

Notices are written in the same transaction as the change they announce, then delivered by
``flask notify deliver`` (cron).

Plain SQLAlchemy, no Flask. Rules:

- a notice is queued only for a person with a phone number; the in-app inbox shows it anyway;
- a delivery that fails is tried again after 1, 2, 4 … minutes (at most 6 hours apart); after
  ``MAX_ATTEMPTS`` it is marked failed and kept, with the last error, for the administrator;
- with no channel configured nothing is sent and every message waits.
"""

from __future__ import annotations

from datetime import datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import OutboxMessage, Task, UnitStaff, User
from app.models.notifications import OutboxStatus
from app.notifications.channels import Channel, DeliveryError

MAX_ATTEMPTS = 10

#: The words a notice starts with (the SMS template's first parameter).
KIND_WORDS = {"assigned": "新派单", "remind": "即将到期", "urge": "催办"}


def backoff(attempts: int) -> timedelta:
    """The wait after the ``attempts``-th failure: 1, 2, 4 … minutes, at most 6 hours."""
    return min(timedelta(minutes=2 ** (attempts - 1)), timedelta(hours=6))


def notify_unit(session: Session, task: Task, kind: str, *, now: datetime) -> list[OutboxMessage]:
    """Queue a notice about ``task`` for each of its unit's staff who has a phone number.

    The parameters of the template: what (派单 / 到期 / 催办), the task's title (at most 20
    characters) and its deadline.
    """
    staff = session.scalars(
        sa.select(User)
        .join(UnitStaff, UnitStaff.user_id == User.id)
        .where(UnitStaff.unit_id == task.unit_id, User.phone.is_not(None), User.active)
        .order_by(User.id)
    ).all()
    params = [KIND_WORDS[kind], task.title[:20], task.deadline.isoformat()]
    messages = [
        OutboxMessage(
            user_id=person.id,
            phone=person.phone,
            kind=kind,
            task_id=task.id,
            params=params,
            next_attempt_at=now,
            created_at=now,
        )
        for person in staff
    ]
    session.add_all(messages)
    return messages


def due(session: Session, now: datetime, limit: int = 100) -> list[OutboxMessage]:
    """Messages waiting whose next attempt is due, oldest first (locked on PostgreSQL)."""
    return list(
        session.scalars(
            sa.select(OutboxMessage)
            .where(
                OutboxMessage.status == OutboxStatus.PENDING,
                OutboxMessage.next_attempt_at <= now,
            )
            .order_by(OutboxMessage.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
    )


def attempt(message: OutboxMessage, channel: Channel, now: datetime) -> bool:
    """Try one delivery; record the outcome on the message. True when delivered."""
    try:
        message.provider_ref = channel.send(message.phone, list(message.params))[:100]
    except DeliveryError as error:
        message.attempts += 1
        message.last_error = str(error)[:1000]
        if message.attempts >= MAX_ATTEMPTS:
            message.status = OutboxStatus.FAILED
        else:
            message.next_attempt_at = now + backoff(message.attempts)
        return False
    message.attempts += 1
    message.status = OutboxStatus.SENT
    message.sent_at = now
    message.last_error = ""
    return True


def waiting(session: Session) -> int:
    """How many messages wait to go out."""
    return session.scalar(
        sa.select(sa.func.count(OutboxMessage.id)).where(
            OutboxMessage.status == OutboxStatus.PENDING
        )
    )
