"""Messages waiting to go out beyond the app (the outbox): kept until delivered, never lost."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db
from app.models.statuses import one_of


class OutboxStatus(StrEnum):
    """Waiting (also between retries), delivered, or given up after the last retry (kept)."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"


class OutboxMessage(db.Model):
    """One notice for one person through a channel (SMS), with its delivery attempts."""

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    phone: Mapped[str] = mapped_column(sa.String(20))
    #: What the notice is about: assigned (派单), remind (到期提醒), urge (催办).
    kind: Mapped[str] = mapped_column(sa.String(20))
    task_id: Mapped[int | None] = mapped_column(sa.ForeignKey("tasks.id", ondelete="SET NULL"))
    #: The SMS template's parameters, in order.
    params: Mapped[list] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(10), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(default=clock.now)
    last_error: Mapped[str] = mapped_column(sa.Text, default="")
    provider_ref: Mapped[str] = mapped_column(sa.String(100), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    sent_at: Mapped[datetime | None]

    __table_args__ = (
        sa.CheckConstraint(one_of("status", OutboxStatus), name="status_known"),
        sa.CheckConstraint("attempts >= 0", name="attempts_nonneg"),
        sa.Index("ix_outbox_due", "status", "next_attempt_at"),
    )
