"""The three lists (三张清单) of a body: needs, resources offered, projects in batches, pledges.

Money is kept in yuan as exact decimals (``Numeric``), never floats; other kinds of resource
carry their own unit (㎡, 小时, 件 …) next to the quantity.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import BatchStatus, ProjectStatus, ResourceKind, ResourceOwnerKind, one_of

#: Amounts: up to 999,999,999,999.99 (yuan or another unit), exactly.
AMOUNT = sa.Numeric(14, 2)


class Need(db.Model):
    """A need (需求) on the body's needs list: from an accepted topic, or entered directly."""

    __tablename__ = "needs"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("topics.id", ondelete="SET NULL"), unique=True
    )
    title: Mapped[str] = mapped_column(sa.String(160))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    category: Mapped[str] = mapped_column(sa.String(40), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    topic: Mapped[Topic | None] = relationship()  # noqa: F821
    projects: Mapped[list[Project]] = relationship(back_populates="need", order_by="Project.id")


class Resource(db.Model):
    """A resource (资源) offered to the body by a unit, a merchant or a resident.

    Visible to the body's members and conveners; on the public pages only when ``public``
    (its owner allows it). The contact is never shown publicly.
    """

    __tablename__ = "resources"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    offered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    owner_name: Mapped[str] = mapped_column(sa.String(80))
    owner_kind: Mapped[str] = mapped_column(sa.String(20))
    kind: Mapped[str] = mapped_column(sa.String(20))
    title: Mapped[str] = mapped_column(sa.String(160))
    quantity: Mapped[Decimal] = mapped_column(AMOUNT)
    #: 元 for money; ㎡, 小时, 件, 次 … for the others.
    unit: Mapped[str] = mapped_column(sa.String(12))
    conditions: Mapped[str] = mapped_column(sa.Text, default="")
    contact: Mapped[str] = mapped_column(sa.String(80), default="")
    public: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ResourceKind), name="kind_known"),
        sa.CheckConstraint(one_of("owner_kind", ResourceOwnerKind), name="owner_kind_known"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
    )


class Batch(db.Model):
    """A batch of projects (第一批、第二批…), approved by a joint meeting's vote like any motion."""

    __tablename__ = "batches"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(160))
    status: Mapped[str] = mapped_column(sa.String(20), default=BatchStatus.OPEN)
    motion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="SET NULL"), unique=True
    )
    decided_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    body: Mapped[Body] = relationship()  # noqa: F821
    motion: Mapped[Motion | None] = relationship()  # noqa: F821
    projects: Mapped[list[Project]] = relationship(back_populates="batch", order_by="Project.id")

    __table_args__ = (
        sa.UniqueConstraint("body_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
        sa.CheckConstraint(one_of("status", BatchStatus), name="status_known"),
    )


class Project(db.Model):
    """A project (项目) binding a need to pledged resources, with a budget, lead unit and plan."""

    __tablename__ = "projects"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    need_id: Mapped[int] = mapped_column(sa.ForeignKey("needs.id"), index=True)
    batch_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("batches.id", ondelete="SET NULL"), index=True
    )
    lead_unit_id: Mapped[int] = mapped_column(sa.ForeignKey("responsible_units.id"))
    title: Mapped[str] = mapped_column(sa.String(160))
    plan: Mapped[str] = mapped_column(sa.Text)
    budget: Mapped[Decimal] = mapped_column(AMOUNT)
    deadline: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(20), default=ProjectStatus.PROPOSED)
    resolution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="SET NULL"), unique=True
    )
    proposed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    need: Mapped[Need] = relationship(back_populates="projects")
    batch: Mapped[Batch | None] = relationship(back_populates="projects")
    lead_unit: Mapped[ResponsibleUnit] = relationship()  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship()  # noqa: F821
    pledges: Mapped[list[Pledge]] = relationship(
        back_populates="project", order_by="Pledge.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ProjectStatus), name="status_known"),
        sa.CheckConstraint("budget >= 0", name="budget_nonneg"),
    )


class Pledge(db.Model):
    """A pledge (认捐/出资) of a resource to a project: how much was promised and delivered."""

    __tablename__ = "pledges"

    id: Mapped[int] = mapped_column(primary_key=True)
    project_id: Mapped[int] = mapped_column(
        sa.ForeignKey("projects.id", ondelete="CASCADE"), index=True
    )
    resource_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resources.id", ondelete="SET NULL"), index=True
    )
    pledger: Mapped[str] = mapped_column(sa.String(80))
    kind: Mapped[str] = mapped_column(sa.String(20))
    amount: Mapped[Decimal] = mapped_column(AMOUNT)
    unit: Mapped[str] = mapped_column(sa.String(12))
    delivered: Mapped[Decimal] = mapped_column(AMOUNT, default=Decimal("0"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    project: Mapped[Project] = relationship(back_populates="pledges")
    resource: Mapped[Resource | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ResourceKind), name="kind_known"),
        sa.CheckConstraint("amount > 0", name="amount_positive"),
        sa.CheckConstraint("delivered >= 0 AND delivered <= amount", name="delivered_within"),
    )
