"""Follow-up (督办): tasks of responsible units, their progress and their ratings (评单)."""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.ext.hybrid import hybrid_property
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import RatingValue, ResolutionStatus, TaskStatus, one_of

#: Statuses in which a task no longer runs against its deadline: 办结 and 销号.
FINISHED = (TaskStatus.COMPLETED, TaskStatus.CLOSED)


class TaskRole(StrEnum):
    """Who a person is for a task: the body's convener, its unit's staff, a member of the body."""

    CONVENER = "convener"
    UNIT = "unit"
    MEMBER = "member"


class UpdateKind(StrEnum):
    """The kinds of step on a task's timeline: a progress note or a move of the state machine."""

    NOTE = "note"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    COMPLETED = "completed"
    ASSIGNED = "assigned"
    REOPENED = "reopened"
    CLOSED = "closed"


class Task(db.Model):
    """A follow-up task (督办事项) of a resolution, assigned to one responsible unit."""

    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(primary_key=True)
    resolution_id: Mapped[int] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="CASCADE"), index=True
    )
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("responsible_units.id"), index=True)
    assignee_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: What "done" means, agreed when the task is assigned.
    done_definition: Mapped[str] = mapped_column(sa.Text, default="")
    deadline: Mapped[date] = mapped_column(index=True)
    #: The deadline it was first given (派单): the history says it even after a reopening.
    first_deadline: Mapped[date | None]
    #: assigned (派单) → accepted (接单) → in_progress (办理中) → completed (办结) → closed (销号);
    #: declined goes back to the convener; a reopened task starts a new rating round.
    status: Mapped[str] = mapped_column(sa.String(20), default=TaskStatus.ASSIGNED, index=True)
    #: Rating round: 1, then +1 each time the task is reopened after unsatisfying ratings.
    round: Mapped[int] = mapped_column(default=1)
    assigned_at: Mapped[datetime] = mapped_column(default=clock.now)
    accepted_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    completion_report: Mapped[str] = mapped_column(sa.Text, default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="")
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    resolution: Mapped[Resolution] = relationship(back_populates="tasks")  # noqa: F821
    unit: Mapped[ResponsibleUnit] = relationship()  # noqa: F821
    assignee: Mapped[User | None] = relationship()  # noqa: F821
    updates: Mapped[list[TaskUpdate]] = relationship(
        back_populates="task", order_by="TaskUpdate.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(
            one_of("status", TaskStatus),
            name="status_known",
        ),
        sa.CheckConstraint("round >= 1", name="round_positive"),
        sa.CheckConstraint(
            "status <> 'declined' OR decline_reason <> ''", name="declined_has_reason"
        ),
    )

    @hybrid_property
    def is_open(self) -> bool:
        """Not closed (销号) yet: the task still counts as "being handled" on the board."""
        return self.status != TaskStatus.CLOSED

    @hybrid_property
    def is_finished(self) -> bool:
        """Completed (办结) or closed (销号): no longer running against its deadline."""
        return self.status in FINISHED

    @is_finished.inplace.expression
    @classmethod
    def _is_finished_expression(cls):
        """The same rule in SQL: ``status IN ('completed', 'closed')``."""
        return cls.status.in_(FINISHED)

    @property
    def awaits_rating(self) -> bool:
        """Completed and not yet closed: the round's ratings (评单) are being collected."""
        return self.status == TaskStatus.COMPLETED

    @property
    def is_public(self) -> bool:
        """Shown on the public board: its resolution has been published (公示)."""
        return self.resolution.status == ResolutionStatus.PUBLISHED

    def can_be_rated_by(self, roles: Collection[str]) -> bool:
        """Whether someone with ``roles`` (see ``TaskRole``) may rate it: a member, while rating."""
        return TaskRole.MEMBER in roles and self.awaits_rating


class TaskUpdate(db.Model):
    """A dated progress note on a task, optionally with a photo kept outside the static folder."""

    __tablename__ = "task_updates"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: note, accepted, declined, completed, reopened, closed — the timeline shows them all.
    kind: Mapped[str] = mapped_column(sa.String(20), default=UpdateKind.NOTE)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    photo_path: Mapped[str | None] = mapped_column(sa.String(200))
    photo_type: Mapped[str | None] = mapped_column(sa.String(40))
    #: The deadline this step set (派单 and 重新办理): each round's deadline stays in the history.
    deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    task: Mapped[Task] = relationship(back_populates="updates")


class Rating(db.Model):
    """A rating (评单) of a completed task: once per rater and round.

    A rater is either a member (``user_id``) or the submitter of a topic the resolution answers,
    through the follow link (``topic_id``).
    """

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    value: Mapped[str] = mapped_column(sa.String(20))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("task_id", "round", "user_id"),
        sa.UniqueConstraint("task_id", "round", "topic_id"),
        sa.CheckConstraint(one_of("value", RatingValue), name="value_known"),
        sa.CheckConstraint("(user_id IS NULL) <> (topic_id IS NULL)", name="one_rater"),
    )
