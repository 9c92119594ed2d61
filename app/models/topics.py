"""Topics (议题) raised by anyone, their seconds (附议) and their public history."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import TopicStatus, one_of

#: Statuses in which a topic is still open: members may second (附议) it and another topic may
#: be merged into it.
OPEN_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.NEEDS_INFO, TopicStatus.ACCEPTED)

#: Statuses in which a topic waits for the convener's triage (分拣).
WAITING_STATUSES = (TopicStatus.SUBMITTED, TopicStatus.NEEDS_INFO)


class Topic(db.Model):
    """A problem or proposal raised by a resident, merchant or member (群众点单)."""

    __tablename__ = "topics"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    #: The receipt number the submitter is given, e.g. "HXJ-2026-0007".
    receipt_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    #: SHA-256 of the private follow-link token (/t/<token>).
    follow_token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text)
    category: Mapped[str] = mapped_column(sa.String(40))
    location: Mapped[str] = mapped_column(sa.String(120), default="")
    submitter_name: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Never shown on a public page.
    submitter_phone: Mapped[str] = mapped_column(sa.String(20), default="")
    submitter_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: A ``TopicStatus``; app/topics/rules.py says which moves are allowed.
    status: Mapped[str] = mapped_column(sa.String(20), default=TopicStatus.SUBMITTED, index=True)
    merged_into_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    decline_reason: Mapped[str] = mapped_column(sa.String(40), default="")
    decline_note: Mapped[str] = mapped_column(sa.Text, default="")
    seconds_count: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now, index=True)
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    merged_into: Mapped[Topic | None] = relationship(remote_side=[id])
    events: Mapped[list[TopicEvent]] = relationship(
        back_populates="topic", order_by="TopicEvent.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            one_of("status", TopicStatus),
            name="status_known",
        ),
        sa.CheckConstraint(
            f"(status = '{TopicStatus.MERGED}') = (merged_into_id IS NOT NULL)",
            name="merged_has_target",
        ),
        sa.CheckConstraint(
            f"status <> '{TopicStatus.DECLINED}' OR decline_reason <> ''",
            name="declined_has_reason",
        ),
        sa.CheckConstraint("seconds_count >= 0", name="seconds_nonneg"),
    )

    @property
    def is_open(self) -> bool:
        """Still open: members may second it and another topic may be merged into it."""
        return self.status in OPEN_STATUSES

    @property
    def awaits_triage(self) -> bool:
        """Waiting for the convener: submitted, or sent back to the submitter for more info."""
        return self.status in WAITING_STATUSES

    @property
    def awaits_info(self) -> bool:
        """The convener asked for more information; the submitter's follow page takes it."""
        return self.status == TopicStatus.NEEDS_INFO

    def is_ready(self, seconds_needed: int) -> bool:
        """Ready (待召集人处理): still waiting for triage and seconded ``seconds_needed`` times.

        A body that needs no seconds (``seconds_needed == 0``) has no "ready" marker.
        """
        seconded = (self.seconds_count or 0) >= seconds_needed
        return seconds_needed > 0 and self.awaits_triage and seconded

    @property
    def question(self) -> TopicEvent | None:
        """The latest step that asked the submitter for more information (None if never)."""
        asked = [e for e in self.events if e.to_status == TopicStatus.NEEDS_INFO]
        return asked[-1] if asked else None


class Second(db.Model):
    """A member's second (附议) of a topic: at most one per member and topic."""

    __tablename__ = "seconds"

    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class MeToo(db.Model):
    """A resident's "我也遇到过" on a topic: one per device, shown apart from members' seconds.

    Anyone may say it without an account; the device is known only by the SHA-256 of a random
    cookie. It is a public show of support, never counted as a second (附议), which stays the
    official count.
    """

    __tablename__ = "me_toos"

    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True
    )
    device_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class TopicEvent(db.Model):
    """One step in a topic's public history: who moved it, from what to what, and why."""

    __tablename__ = "topic_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    topic_id: Mapped[int] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    from_status: Mapped[str] = mapped_column(sa.String(20), default="")
    to_status: Mapped[str] = mapped_column(sa.String(20))
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    topic: Mapped[Topic] = relationship(back_populates="events")
