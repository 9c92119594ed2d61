"""Volunteer service points (志愿服务积分): service records, a ledger, certified shops, offers.

Points are a ledger, not a number field: every earning and spending is a ``LedgerEntry`` and a
balance is the sum of an account's entries. A mistaken entry is never edited; a reversal entry
of the opposite sign is added (at most one per entry, enforced by the database).
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import EntryKind, ServiceStatus, one_of

POINTS = sa.Numeric(12, 2)


class PointsScheme(db.Model):
    """A body's points scheme: how many points one hour of confirmed service earns."""

    __tablename__ = "points_schemes"

    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    points_per_hour: Mapped[Decimal] = mapped_column(POINTS, default=Decimal("10"))

    __table_args__ = (sa.CheckConstraint("points_per_hour > 0", name="rate_positive"),)


class PointsAccount(db.Model):
    """A volunteer's points account with one body; ``code`` is the secret in their QR code."""

    __tablename__ = "points_accounts"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    user: Mapped[User] = relationship()  # noqa: F821
    body: Mapped[Body] = relationship()  # noqa: F821

    __table_args__ = (sa.UniqueConstraint("body_id", "user_id"),)


class ServiceRecord(db.Model):
    """Volunteer service (志愿服务): who, when, how many hours; confirmed by a second person."""

    __tablename__ = "service_records"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("points_accounts.id", ondelete="CASCADE"), index=True
    )
    served_on: Mapped[date]
    hours: Mapped[Decimal] = mapped_column(sa.Numeric(5, 2))
    description: Mapped[str] = mapped_column(sa.String(160))
    status: Mapped[str] = mapped_column(sa.String(20), default=ServiceStatus.RECORDED)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(default=clock.now)
    confirmed_at: Mapped[datetime | None]

    account: Mapped[PointsAccount] = relationship()
    recorded_by: Mapped[User] = relationship(foreign_keys=[recorded_by_id])  # noqa: F821
    confirmed_by: Mapped[User | None] = relationship(foreign_keys=[confirmed_by_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ServiceStatus), name="status_known"),
        sa.CheckConstraint("hours > 0 AND hours <= 24", name="hours_in_a_day"),
        sa.CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> recorded_by_id",
            name="confirmed_by_another",
        ),
        sa.CheckConstraint(
            "status <> 'confirmed' OR confirmed_by_id IS NOT NULL", name="confirmed_has_person"
        ),
    )


class Shop(db.Model):
    """A certified shop (认证商户) of the body: a unit whose staff redeem points for offers."""

    __tablename__ = "shops"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("responsible_units.id", ondelete="CASCADE"))
    certified_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    certified_at: Mapped[datetime] = mapped_column(default=clock.now)

    unit: Mapped[ResponsibleUnit] = relationship()  # noqa: F821
    offers: Mapped[list[Offer]] = relationship(back_populates="shop", order_by="Offer.id")

    __table_args__ = (sa.UniqueConstraint("body_id", "unit_id"),)


class Offer(db.Model):
    """What points buy at a certified shop: a discount or a free item, for a number of points."""

    __tablename__ = "offers"

    id: Mapped[int] = mapped_column(primary_key=True)
    shop_id: Mapped[int] = mapped_column(sa.ForeignKey("shops.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    points: Mapped[Decimal] = mapped_column(POINTS)
    active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    shop: Mapped[Shop] = relationship(back_populates="offers")

    __table_args__ = (sa.CheckConstraint("points > 0", name="points_positive"),)


class LedgerEntry(db.Model):
    """One entry of the points ledger: + for earning, − for spending, opposite for a reversal."""

    __tablename__ = "ledger_entries"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_id: Mapped[int] = mapped_column(
        sa.ForeignKey("points_accounts.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[str] = mapped_column(sa.String(20))
    points: Mapped[Decimal] = mapped_column(POINTS)
    service_record_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("service_records.id"), unique=True
    )
    offer_id: Mapped[int | None] = mapped_column(sa.ForeignKey("offers.id"))
    shop_id: Mapped[int | None] = mapped_column(sa.ForeignKey("shops.id"), index=True)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("ledger_entries.id"), unique=True)
    note: Mapped[str] = mapped_column(sa.String(160), default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    account: Mapped[PointsAccount] = relationship()
    offer: Mapped[Offer | None] = relationship()
    shop: Mapped[Shop | None] = relationship()

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", EntryKind), name="kind_known"),
        sa.CheckConstraint("points <> 0", name="points_nonzero"),
        sa.CheckConstraint("kind <> 'earn' OR points > 0", name="earn_positive"),
        sa.CheckConstraint("kind <> 'spend' OR points < 0", name="spend_negative"),
        sa.CheckConstraint("kind <> 'reversal' OR reverses_id IS NOT NULL", name="reversal_of"),
    )
