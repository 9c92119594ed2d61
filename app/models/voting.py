"""Motions (动议) and how their ballots are kept: roll-call, secret, or a show of hands."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import Choice, MotionKind, MotionStatus, one_of


class Motion(db.Model):
    """A motion put to the vote (表决) under one rule of docs/counting.md.

    When it closes, the rule, the presence, the counts and the engine's result are frozen into
    ``frozen`` and never recomputed from later data.
    """

    __tablename__ = "motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    agenda_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="SET NULL"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    #: roll_call (记名), secret (无记名) or hands (举手, counts typed by the convener).
    kind: Mapped[str] = mapped_column(sa.String(20), default=MotionKind.ROLL_CALL)
    rule: Mapped[dict] = mapped_column(sa.JSON)
    status: Mapped[str] = mapped_column(sa.String(20), default=MotionStatus.DRAFT, index=True)
    show_running_totals: Mapped[bool] = mapped_column(default=False)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    cancel_reason: Mapped[str] = mapped_column(sa.Text, default="")
    passed: Mapped[bool | None]
    #: The earlier motion this one rescinds or reconsiders (复议); both stay on the record.
    rescinds_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="SET NULL"), index=True
    )
    #: Frozen at close: {"rule", "constituencies", "present", "votes", "result"}.
    frozen: Mapped[dict | None] = mapped_column(sa.JSON)

    meeting: Mapped[Meeting] = relationship()  # noqa: F821
    agenda_item: Mapped[AgendaItem | None] = relationship(back_populates="motions")  # noqa: F821
    resolution: Mapped[Resolution | None] = relationship(  # noqa: F821
        back_populates="motion", uselist=False
    )
    rescinds: Mapped[Motion | None] = relationship(remote_side=[id], back_populates="rescinded_by")
    rescinded_by: Mapped[list[Motion]] = relationship(
        back_populates="rescinds", order_by="Motion.id"
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", MotionKind), name="kind_known"),
        sa.CheckConstraint(one_of("status", MotionStatus), name="status_known"),
        sa.CheckConstraint("status <> 'closed' OR frozen IS NOT NULL", name="closed_is_frozen"),
        sa.CheckConstraint(
            "status <> 'cancelled' OR cancel_reason <> ''", name="cancel_has_reason"
        ),
    )

    @property
    def is_live(self) -> bool:
        """Open and voted from phones (not a show of hands): ballots arrive, progress is shown."""
        return self.status == MotionStatus.OPEN and self.kind != MotionKind.HANDS

    @property
    def awaits_hand_counts(self) -> bool:
        """An open show of hands (举手): it closes when the convener enters the counts."""
        return self.status == MotionStatus.OPEN and self.kind == MotionKind.HANDS

    @property
    def is_counted(self) -> bool:
        """Whether it was closed and counted: a cancelled motion keeps the count it had."""
        return self.frozen is not None

    @property
    def can_be_cancelled(self) -> bool:
        """Only a motion nobody has voted on may be withdrawn (撤销); see ``rules.cancel``."""
        return self.status in (MotionStatus.DRAFT, MotionStatus.OPEN) and self.resolution is None

    @property
    def allows_running_totals(self) -> bool:
        """Only a roll-call vote may show running totals: a secret one would reveal each choice."""
        return self.kind == MotionKind.ROLL_CALL


class Ballot(db.Model):
    """That a seat voted on a motion: one per seat and motion, enforced by the database.

    For a roll-call motion the choice is kept here. For a secret motion ``choice`` stays NULL:
    the choice only increments a ``SecretCount`` in the same transaction, so nothing links it
    to the seat (docs/counting.md, "Ballot secrecy").
    """

    __tablename__ = "ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(sa.ForeignKey("motions.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    cast_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    choice: Mapped[str | None] = mapped_column(sa.String(10))
    cast_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("motion_id", "seat_id"),
        sa.CheckConstraint("choice IS NULL OR " + one_of("choice", Choice), name="choice_known"),
    )


class SecretCount(db.Model):
    """A counter of secret choices per (motion, constituency, choice); no seat, no time, no order.

    The rows are created when the motion opens, so their order in the table says nothing about
    who voted when.
    """

    __tablename__ = "secret_counts"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), primary_key=True
    )
    constituency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("constituencies.id", ondelete="CASCADE"), primary_key=True
    )
    choice: Mapped[str] = mapped_column(sa.String(10), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)

    __table_args__ = (
        sa.CheckConstraint(one_of("choice", Choice), name="choice_known"),
        sa.CheckConstraint("count >= 0", name="count_nonneg"),
    )


class SealedBallot(db.Model):
    """A secret choice sealed under its motion's public key (app/voting/sealing.py).

    The box holds the constituency and the choice; only the motion's private key, kept outside
    the database and destroyed once the vote is counted, opens it. No seat, no voter, no time.
    The boxes are deleted by the count, which keeps the totals only.
    """

    __tablename__ = "sealed_ballots"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), index=True
    )
    box: Mapped[bytes] = mapped_column(sa.LargeBinary)

    __table_args__ = (sa.CheckConstraint("length(box) = 68", name="box_length"),)


class HandCount(db.Model):
    """Counts typed by the convener for a show-of-hands (举手) motion, per constituency."""

    __tablename__ = "hand_counts"

    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), primary_key=True
    )
    constituency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("constituencies.id", ondelete="CASCADE"), primary_key=True
    )
    present: Mapped[int]
    yes: Mapped[int]
    no: Mapped[int]
    abstain: Mapped[int]

    __table_args__ = (
        sa.CheckConstraint(
            "yes >= 0 AND no >= 0 AND abstain >= 0 AND present >= 0", name="counts_nonneg"
        ),
        sa.CheckConstraint("yes + no + abstain <= present", name="votes_within_present"),
    )
