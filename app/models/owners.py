"""Owners' decisions (业主共同决定): unit registry (房屋台账), decisions, ballots, paper ballots.

A compound is a body (its owners' committee runs it). Its units belong to buildings and to one
*counting owner* each (``Owner``): a person or co-owners, one buyer of several units, or the
developer for every unit not yet sold or handed over. Each owner has one or more contacts (the
people who may vote for them), each with a personal link; only the link's hash is stored.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import (
    AreaSource,
    BallotChannel,
    Choice,
    DecisionStatus,
    Matter,
    OwnerKind,
    PaperStatus,
    one_of,
)

#: Letters and digits that cannot be mistaken for each other when typed from a printed notice.
CODE_ALPHABET = "23456789ABCDEFGHJKMNPQRSTUVWXYZ"
CODE_LENGTH = 10


def hash_code(code: str) -> str:
    """Hash an owner's code for storage; typed codes are compared upper-case without spaces."""
    return hashlib.sha256("".join(code.split()).upper().encode()).hexdigest()


def new_code() -> str:
    """A fresh random code: 10 characters of 31 (about 49 bits), short enough to type."""
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


class OwnersSettings(db.Model):
    """A compound's own rules for owners' decisions (业主大会议事规则): notice and extension."""

    __tablename__ = "owners_settings"

    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    #: Days the announcement stays on the board before voting opens (公示期).
    notice_days: Mapped[int] = mapped_column(default=15)
    #: The longest extension of a voting window, in days (once, when participation is short).
    max_extension_days: Mapped[int] = mapped_column(default=15)

    __table_args__ = (
        sa.CheckConstraint("notice_days >= 0", name="notice_days_nonneg"),
        sa.CheckConstraint("max_extension_days >= 0", name="max_extension_nonneg"),
    )


class Building(db.Model):
    """A building (楼栋) of a compound."""

    __tablename__ = "buildings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    name: Mapped[str] = mapped_column(sa.String(40))

    __table_args__ = (sa.UniqueConstraint("body_id", "name"),)


class Owner(db.Model):
    """A counting owner (业主): one vote whatever the number of their units in scope.

    ``key`` is the owner's key in the registry (the developer's is ``developer``); co-owners of a
    unit are one owner and agree who votes, so the first ballot of any of them counts.
    """

    __tablename__ = "owners"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(60))
    name: Mapped[str] = mapped_column(sa.String(120))
    kind: Mapped[str] = mapped_column(sa.String(20), default=OwnerKind.PERSON)

    contacts: Mapped[list[OwnerContact]] = relationship(
        back_populates="owner", order_by="OwnerContact.id", cascade="all, delete-orphan"
    )
    units: Mapped[list[Unit]] = relationship(back_populates="owner", order_by="Unit.code")

    __table_args__ = (
        sa.UniqueConstraint("body_id", "key"),
        sa.CheckConstraint(one_of("kind", OwnerKind), name="kind_known"),
    )


class OwnerContact(db.Model):
    """A person who may vote for an owner (the owner, or one of co-owners), with their own link.

    The phone is private (never on a public page); only the hash of the personal code is kept.
    """

    __tablename__ = "owner_contacts"

    id: Mapped[int] = mapped_column(primary_key=True)
    owner_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owners.id", ondelete="CASCADE"), index=True
    )
    name: Mapped[str] = mapped_column(sa.String(120))
    phone: Mapped[str] = mapped_column(sa.String(20), default="")
    code_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    code_issued_at: Mapped[datetime | None]

    owner: Mapped[Owner] = relationship(back_populates="contacts")

    def issue_code(self) -> str:
        """Give this contact a fresh personal code (the old one stops working); return it once."""
        code = new_code()
        self.code_hash = hash_code(code)
        self.code_issued_at = clock.now()
        return code


class Unit(db.Model):
    """A unit (专有部分: flat, shop, titled parking space) with exact area and counting owner."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    building_id: Mapped[int] = mapped_column(sa.ForeignKey("buildings.id"), index=True)
    #: 楼栋-单元-房号, e.g. "3-2-1201": unique in the compound.
    code: Mapped[str] = mapped_column(sa.String(40))
    area: Mapped[Decimal] = mapped_column(sa.Numeric(10, 2))
    area_source: Mapped[str] = mapped_column(sa.String(20), default=AreaSource.REGISTER)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), index=True)

    building: Mapped[Building] = relationship()
    owner: Mapped[Owner] = relationship(back_populates="units")

    __table_args__ = (
        sa.UniqueConstraint("body_id", "code"),
        sa.CheckConstraint("area > 0", name="area_positive"),
        sa.CheckConstraint(one_of("area_source", AreaSource), name="area_source_known"),
    )


decision_buildings = sa.Table(
    "decision_buildings",
    db.metadata,
    sa.Column(
        "decision_id",
        sa.ForeignKey("owner_decisions.id", ondelete="CASCADE"),
        primary_key=True,
    ),
    sa.Column("building_id", sa.ForeignKey("buildings.id"), primary_key=True),
)


class OwnerDecision(db.Model):
    """A matter put to all the owners in scope (表决事项), counted by Civil Code art. 278.

    Announced on the board from ``announced_at``; ballots are taken from ``opens_at`` until
    ``closes_at`` (moved once by an extension). At close the units, ballots, rule and result
    are frozen into ``frozen`` and never recomputed.
    """

    __tablename__ = "owner_decisions"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    title: Mapped[str] = mapped_column(sa.String(200))
    text: Mapped[str] = mapped_column(sa.Text)
    #: The item of art. 278 (1–9) the matter falls under; items 6–8 are major.
    item: Mapped[int]
    matter: Mapped[str] = mapped_column(sa.String(20))
    #: The whole compound, or only the buildings in ``decision_buildings``.
    whole_compound: Mapped[bool] = mapped_column(default=True)
    #: The joint meeting's resolution that proposed it (议事会提议), if any.
    resolution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="SET NULL")
    )
    #: The resolution recording a passed decision, to which follow-up tasks are assigned.
    outcome_resolution_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("resolutions.id", ondelete="SET NULL"), unique=True
    )
    status: Mapped[str] = mapped_column(sa.String(20), default=DecisionStatus.ANNOUNCED)
    announced_at: Mapped[datetime]
    opens_at: Mapped[datetime]
    closes_at: Mapped[datetime]
    extended_at: Mapped[datetime | None]
    extension_reason: Mapped[str] = mapped_column(sa.Text, default="")
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    closed_at: Mapped[datetime | None]
    passed: Mapped[bool | None]
    #: Frozen at close: {"case": the flask tally case, "result": its result}.
    frozen: Mapped[dict | None] = mapped_column(sa.JSON)

    buildings: Mapped[list[Building]] = relationship(
        secondary=decision_buildings, order_by="Building.name"
    )
    resolution: Mapped[Resolution | None] = relationship(  # noqa: F821
        foreign_keys=[resolution_id]
    )
    outcome_resolution: Mapped[Resolution | None] = relationship(  # noqa: F821
        foreign_keys=[outcome_resolution_id]
    )
    attachments: Mapped[list[DecisionAttachment]] = relationship(
        order_by="DecisionAttachment.id", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("matter", Matter), name="matter_known"),
        sa.CheckConstraint(one_of("status", DecisionStatus), name="status_known"),
        sa.CheckConstraint("item BETWEEN 1 AND 9", name="item_known"),
        sa.CheckConstraint("opens_at < closes_at", name="window_ordered"),
        sa.CheckConstraint("announced_at <= opens_at", name="announced_first"),
        sa.CheckConstraint("status <> 'closed' OR frozen IS NOT NULL", name="closed_is_frozen"),
        sa.CheckConstraint(
            "extended_at IS NULL OR extension_reason <> ''", name="extension_has_reason"
        ),
    )


class DecisionAttachment(db.Model):
    """A file attached to a decision's proposal (an image or a PDF), shown to everyone."""

    __tablename__ = "decision_attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owner_decisions.id", ondelete="CASCADE"), index=True
    )
    #: The name the file was uploaded with, to show; never used as a path.
    title: Mapped[str] = mapped_column(sa.String(200))
    stored_name: Mapped[str] = mapped_column(sa.String(64), unique=True)
    content_type: Mapped[str] = mapped_column(sa.String(40))
    size: Mapped[int]


class OwnerBallot(db.Model):
    """An owner's one ballot on a decision, covering all their units in scope.

    The UNIQUE (decision, owner) pair is what makes the first ballot of co-owners, or a phone
    ballot racing a paper one, the one that counts.
    """

    __tablename__ = "owner_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owner_decisions.id", ondelete="CASCADE")
    )
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("owners.id"), index=True)
    contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("owner_contacts.id"))
    choice: Mapped[str] = mapped_column(sa.String(10))
    channel: Mapped[str] = mapped_column(sa.String(10))
    cast_at: Mapped[datetime] = mapped_column(default=clock.now)

    owner: Mapped[Owner] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("decision_id", "owner_id"),
        sa.CheckConstraint(one_of("choice", Choice), name="choice_known"),
        sa.CheckConstraint(one_of("channel", BallotChannel), name="channel_known"),
    )


class PaperBallot(db.Model):
    """A paper ballot (纸质表决票): entered by one committee member, confirmed by another.

    Confirming counts it, unless the owner already has a ballot: then it is a conflict, listed
    for the committee, and the first ballot stands.
    """

    __tablename__ = "paper_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    decision_id: Mapped[int] = mapped_column(
        sa.ForeignKey("owner_decisions.id", ondelete="CASCADE")
    )
    serial: Mapped[str] = mapped_column(sa.String(40))
    unit_id: Mapped[int] = mapped_column(sa.ForeignKey("units.id"))
    choice: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(20), default=PaperStatus.ENTERED)
    entered_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    entered_at: Mapped[datetime] = mapped_column(default=clock.now)
    confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    confirmed_at: Mapped[datetime | None]

    unit: Mapped[Unit] = relationship()

    __table_args__ = (
        sa.UniqueConstraint("decision_id", "serial"),
        sa.CheckConstraint(one_of("choice", Choice), name="choice_known"),
        sa.CheckConstraint(one_of("status", PaperStatus), name="status_known"),
        sa.CheckConstraint(
            "confirmed_by_id IS NULL OR confirmed_by_id <> entered_by_id",
            name="confirmed_by_another",
        ),
    )
