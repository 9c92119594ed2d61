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
from app.models.statuses import (
    ContactMethod,
    ExtensionStatus,
    PartStatus,
    RatingValue,
    ResolutionStatus,
    TaskStatus,
    VisitChannel,
    one_of,
)

#: Statuses in which a task no longer runs against its deadline: 办结 and 销号.
FINISHED = (TaskStatus.COMPLETED, TaskStatus.CLOSED)


class TaskRole(StrEnum):
    """Who a person is for a task: the body's convener, its unit's staff, a member of the body."""

    CONVENER = "convener"
    UNIT = "unit"
    CO_UNIT = "co_unit"
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
    CONTACTED = "contacted"
    EXTENSION_ASKED = "extension_asked"
    EXTENSION_GRANTED = "extension_granted"
    EXTENSION_REFUSED = "extension_refused"
    VISITED = "visited"
    EXCLUDED = "excluded"
    REMINDED = "reminded"
    URGED = "urged"
    ESCALATED = "escalated"
    PART_ADDED = "part_added"
    PART_REMOVED = "part_removed"
    PART_ACCEPTED = "part_accepted"
    PART_NOTE = "part_note"
    PART_DONE = "part_done"
    PART_DECLINED = "part_declined"


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
    #: 签收 came after the body's limit (``Body.sign_hours``) — recorded, not hidden.
    signed_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    #: 联系诉求人: when and how the unit contacted the resident who raised the matter.
    contacted_at: Mapped[datetime | None]
    contact_method: Mapped[str | None] = mapped_column(sa.String(20))
    #: 核减: the convener excludes an unreasonable request from the rates, with a public reason.
    excluded_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    #: The last reminder (提醒) and 催办 sent, and when it was proposed for a meeting (吹哨报到).
    reminded_at: Mapped[datetime | None]
    urged_at: Mapped[datetime | None]
    escalated_at: Mapped[datetime | None]
    updated_at: Mapped[datetime] = mapped_column(default=clock.now, onupdate=clock.now)

    resolution: Mapped[Resolution] = relationship(back_populates="tasks")  # noqa: F821
    unit: Mapped[ResponsibleUnit] = relationship()  # noqa: F821
    assignee: Mapped[User | None] = relationship()  # noqa: F821
    updates: Mapped[list[TaskUpdate]] = relationship(
        back_populates="task", order_by="TaskUpdate.id", cascade="all, delete-orphan"
    )
    extensions: Mapped[list[TaskExtension]] = relationship(
        back_populates="task", order_by="TaskExtension.id", cascade="all, delete-orphan"
    )
    #: 协办: the co-units' parts; the task's own ``unit`` is the lead unit (主办).
    parts: Mapped[list[TaskPart]] = relationship(
        back_populates="task", order_by="TaskPart.id", cascade="all, delete-orphan"
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
        sa.CheckConstraint(
            f"contact_method IS NULL OR {one_of('contact_method', ContactMethod)}",
            name="contact_method_known",
        ),
    )

    @property
    def is_excluded(self) -> bool:
        """核减: left out of the unit's rates, for the public reason given."""
        return bool(self.excluded_reason)

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
    #: An ``UpdateKind``: every step of the ladder leaves one; the timeline shows them all.
    kind: Mapped[str] = mapped_column(sa.String(20), default=UpdateKind.NOTE)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    #: Facts of the step beyond its note, e.g. ``{"deadline_from": "2026-10-09",
    #: "deadline_to": "2026-10-16"}`` when a deadline moves: the history keeps every deadline.
    details: Mapped[dict | None] = mapped_column(sa.JSON)
    photo_path: Mapped[str | None] = mapped_column(sa.String(200))
    photo_type: Mapped[str | None] = mapped_column(sa.String(40))
    #: The deadline this step set (派单 and 重新办理): each round's deadline stays in the history.
    deadline: Mapped[date | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    task: Mapped[Task] = relationship(back_populates="updates")


class Rating(db.Model):
    """A return visit (回访) of a completed task, with its rating (评单): once per rater and round.

    A rater is either a member (``user_id``) or the submitter of a topic the resolution answers,
    through the follow link or by a convener's phone call (``topic_id``). Three answers: 是否联系
    (``contacted``), 是否解决 (``solved``) and the five-level ``value``.
    """

    __tablename__ = "ratings"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    round: Mapped[int]
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    value: Mapped[str] = mapped_column(sa.String(20))
    #: 是否联系 / 是否解决; None for ratings given before return visits asked them.
    contacted: Mapped[bool | None]
    solved: Mapped[bool | None]
    channel: Mapped[str] = mapped_column(
        sa.String(10), default=VisitChannel.MEMBER, server_default=VisitChannel.MEMBER.value
    )
    #: The convener who recorded a phone return visit for a resident without a phone.
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    comment: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("task_id", "round", "user_id"),
        sa.UniqueConstraint("task_id", "round", "topic_id"),
        sa.CheckConstraint(one_of("value", RatingValue), name="value_known"),
        sa.CheckConstraint(one_of("channel", VisitChannel), name="channel_known"),
        sa.CheckConstraint("(user_id IS NULL) <> (topic_id IS NULL)", name="one_rater"),
    )


class TaskExtension(db.Model):
    """An extension request (延期申请): the unit asks, the convener grants or refuses.

    ``original_deadline`` is the deadline when it was asked; a granted request moves the task's
    deadline to ``requested_deadline`` and both stay here and on the task's timeline.
    """

    __tablename__ = "task_extensions"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    requested_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    reason: Mapped[str] = mapped_column(sa.Text)
    original_deadline: Mapped[date]
    requested_deadline: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(10), default=ExtensionStatus.PENDING)
    answer: Mapped[str] = mapped_column(sa.Text, default="")
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_at: Mapped[datetime | None]

    task: Mapped[Task] = relationship(back_populates="extensions")

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ExtensionStatus), name="status_known"),
        sa.CheckConstraint("reason <> ''", name="has_reason"),
        sa.CheckConstraint("requested_deadline > original_deadline", name="later_deadline"),
        # at most one request waits at a time, also under concurrent requests
        sa.Index(
            "uq_task_extensions_one_pending",
            "task_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


class TaskPart(db.Model):
    """A co-unit's part of a task (协办): what it must do and where it stands.

    The task's own unit leads (主办) and reports 办结 only once every part is 完成 (see
    app/followup/parts.py). A unit has at most one part of a task.
    """

    __tablename__ = "task_parts"

    id: Mapped[int] = mapped_column(primary_key=True)
    task_id: Mapped[int] = mapped_column(sa.ForeignKey("tasks.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("responsible_units.id"), index=True)
    #: What this co-unit must do.
    description: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(20), default=PartStatus.ASSIGNED, index=True)
    added_at: Mapped[datetime] = mapped_column(default=clock.now)
    accepted_at: Mapped[datetime | None]
    signed_late: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    done_at: Mapped[datetime | None]
    report: Mapped[str] = mapped_column(sa.Text, default="", server_default="")
    decline_reason: Mapped[str] = mapped_column(sa.Text, default="", server_default="")

    task: Mapped[Task] = relationship(back_populates="parts")
    unit: Mapped[ResponsibleUnit] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("task_id", "unit_id"),
        sa.CheckConstraint(one_of("status", PartStatus), name="status_known"),
        sa.CheckConstraint("description <> ''", name="has_description"),
        sa.CheckConstraint(
            "status <> 'declined' OR decline_reason <> ''", name="declined_has_reason"
        ),
    )

    @property
    def is_finished(self) -> bool:
        """完成: the co-unit did its part."""
        return self.status == PartStatus.DONE


class WorkCalendarYear(db.Model):
    """A year the administrator completes for the working-day calendar (the package lacks it).

    Its days are Monday to Friday except those listed in ``work_calendar_days``.
    """

    __tablename__ = "work_calendar_years"

    year: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    note: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (sa.CheckConstraint("year BETWEEN 2000 AND 2200", name="year_sane"),)


class WorkCalendarDay(db.Model):
    """One day of the administrator's calendar: a holiday or a 调休 working day, with its name."""

    __tablename__ = "work_calendar_days"

    day: Mapped[date] = mapped_column(primary_key=True)
    is_workday: Mapped[bool]
    name: Mapped[str] = mapped_column(sa.String(60), default="")
