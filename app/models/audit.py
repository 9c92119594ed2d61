"""The append-only audit log: every state change, hash-chained so tampering shows."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app import clock
from app.extensions import db


class AuditEvent(db.Model):
    """One state change: who did what to which object, before and after, chained by hash."""

    __tablename__ = "audit_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
    prev_hash: Mapped[str] = mapped_column(sa.String(64))
    hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    #: The event's place in the chain, 1, 2, 3, …: the N of a published head "N:HASH", read
    #: from the newest event instead of counting the log.
    seq: Mapped[int] = mapped_column(unique=True)

    __table_args__ = (sa.Index("ix_audit_events_object", "object_type", "object_id"),)


class PendingAuditEvent(db.Model):
    """An event written in its change's transaction, waiting for its place in the chain.

    Ballots write their event here (one INSERT, no lock) instead of extending the chain inside
    the ballot's transaction; ``app.audit.chain_pending`` moves pending events into
    ``audit_events`` in the order of this table's ids, under the chain's lock, soon after. A
    pending event exists exactly when its change does (same transaction), and leaves this table
    in the same transaction that chains it, so none is lost or chained twice.
    """

    __tablename__ = "audit_pending"

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(60))
    object_type: Mapped[str] = mapped_column(sa.String(40))
    object_id: Mapped[int | None]
    before: Mapped[dict | None] = mapped_column(sa.JSON)
    after: Mapped[dict | None] = mapped_column(sa.JSON)
