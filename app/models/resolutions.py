"""Resolutions (决议): numbered per body and year, published on the public board (公示)."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import ResolutionStatus, one_of

resolution_topics = sa.Table(
    "resolution_topics",
    db.metadata,
    sa.Column(
        "resolution_id", sa.ForeignKey("resolutions.id", ondelete="CASCADE"), primary_key=True
    ),
    sa.Column("topic_id", sa.ForeignKey("topics.id", ondelete="CASCADE"), primary_key=True),
)


class Resolution(db.Model):
    """A numbered resolution, e.g. 华兴街联席〔2026〕3号, with its frozen vote result."""

    __tablename__ = "resolutions"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    motion_id: Mapped[int | None] = mapped_column(sa.ForeignKey("motions.id"), unique=True)
    year: Mapped[int]
    number: Mapped[int]
    number_text: Mapped[str] = mapped_column(sa.String(80))
    title: Mapped[str] = mapped_column(sa.String(160))
    text: Mapped[str] = mapped_column(sa.Text)
    decided_on: Mapped[date]
    #: draft until published on the public board.
    status: Mapped[str] = mapped_column(sa.String(20), default=ResolutionStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    #: The last day of the public notice period (公示期), fixed when published; in force after.
    notice_ends_on: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    body: Mapped[Body] = relationship()  # noqa: F821
    motion: Mapped[Motion | None] = relationship(back_populates="resolution")  # noqa: F821
    topics: Mapped[list[Topic]] = relationship(secondary=resolution_topics)  # noqa: F821
    tasks: Mapped[list[Task]] = relationship(  # noqa: F821
        back_populates="resolution", order_by="Task.id"
    )

    __table_args__ = (
        # The public board lists the newest published first, all years or one (issue 9).
        sa.Index("ix_resolutions_board_order", "status", "published_at", "id"),
        sa.Index("ix_resolutions_board_year", "status", "year", "published_at", "id"),
        sa.UniqueConstraint("body_id", "year", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(one_of("status", ResolutionStatus), name="status_known"),
        sa.CheckConstraint(
            "status <> 'published' OR published_at IS NOT NULL", name="published_has_date"
        ),
    )

    @property
    def is_draft(self) -> bool:
        """Still a draft: editable freely, seen only by the body's conveners."""
        return self.status == ResolutionStatus.DRAFT

    @property
    def is_published(self) -> bool:
        """Published on the public board (公示): changes from now on are public corrections."""
        return self.status == ResolutionStatus.PUBLISHED

    def in_notice(self, today: date) -> bool:
        """公示中: published and its notice period (公示期) not over yet."""
        return (
            self.is_published and self.notice_ends_on is not None and today <= self.notice_ends_on
        )

    def in_force(self, today: date) -> bool:
        """已生效: published and its notice period over."""
        return self.is_published and not self.in_notice(today)

    def answers(self, topic: Topic) -> bool:  # noqa: F821
        """Whether this resolution answers ``topic`` (whose submitter may then rate its tasks)."""
        return topic in self.topics


class ResolutionCorrection(db.Model):
    """A correction made to a published resolution: recorded, never silent."""

    __tablename__ = "resolution_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    field: Mapped[str] = mapped_column(sa.String(40))
    before: Mapped[str] = mapped_column(sa.Text)
    after: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)


class Objection(db.Model):
    """An objection (异议) to a resolution in its notice period, with a receipt number.

    Anyone may file one; the convener answers it publicly. The name is optional and shown; no
    phone number or account is asked for.
    """

    __tablename__ = "objections"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="CASCADE"), index=True
    )
    receipt_no: Mapped[str] = mapped_column(sa.String(32), unique=True)
    name: Mapped[str] = mapped_column(sa.String(64), default="")
    text: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    answered_at: Mapped[datetime | None]
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))

    resolution: Mapped[Resolution] = relationship()

    __table_args__ = (
        sa.CheckConstraint("text <> ''", name="has_text"),
        sa.CheckConstraint("(answer = '') = (answered_at IS NULL)", name="answer_dated"),
    )
