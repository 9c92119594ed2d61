"""The floor of a meeting (会场): who stands aside on an item and who asks to speak.

Recusal (回避) and the speaker queue (发言顺序) belong to one agenda item each; the rules that
order the queue and count recused seats are plain Python in :mod:`app.meetings.speakers` and
:mod:`app.meetings.recusal`.
"""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import FloorMotionStatus, ProxyRequestStatus, Side, SpeechStatus, one_of


class Recusal(db.Model):
    """A seat stands aside (回避) on one agenda item: it is in the room but does not vote.

    Declared by the member from their phone or recorded by the convener, always with a reason
    that the minutes print. One per seat and item, enforced by the database.
    """

    __tablename__ = "recusals"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    reason: Mapped[str] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    #: True when the convener recorded it, False when the member declared it.
    by_convener: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    seat: Mapped[Seat] = relationship()  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("agenda_item_id", "seat_id"),
        sa.CheckConstraint("reason <> ''", name="has_reason"),
    )


class SpeechRequest(db.Model):
    """A raised hand (举手) on an agenda item, then the speech itself when the chair calls it.

    waiting → speaking → done, or withdrawn while waiting. A point of order (程序问题) goes
    ahead of the queue. ``seat_id`` is the seat the speaker holds, so the time used per
    constituency can be shown.
    """

    __tablename__ = "speech_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    seat_id: Mapped[int | None] = mapped_column(sa.ForeignKey("seats.id", ondelete="SET NULL"))
    side: Mapped[str] = mapped_column(sa.String(10), default=Side.NONE)
    point_of_order: Mapped[bool] = mapped_column(default=False)
    status: Mapped[str] = mapped_column(sa.String(12), default=SpeechStatus.WAITING)
    requested_at: Mapped[datetime] = mapped_column(default=clock.now)
    started_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]
    #: Seconds allowed for this speech, fixed when it starts (the body's minutes per speech).
    allowed_seconds: Mapped[int | None]

    user: Mapped[User] = relationship()  # noqa: F821
    seat: Mapped[Seat | None] = relationship()  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("side", Side), name="side_known"),
        sa.CheckConstraint(one_of("status", SpeechStatus), name="status_known"),
        sa.CheckConstraint(
            "status <> 'speaking' OR started_at IS NOT NULL", name="speaking_has_start"
        ),
        sa.CheckConstraint("status <> 'done' OR ended_at IS NOT NULL", name="done_has_end"),
        # One raised hand per person and item at a time (a partial unique index, both engines).
        sa.Index(
            "uq_speech_requests_one_waiting",
            "agenda_item_id",
            "user_id",
            unique=True,
            sqlite_where=sa.text("status = 'waiting'"),
            postgresql_where=sa.text("status = 'waiting'"),
        ),
        # One speaker at a time per item.
        sa.Index(
            "uq_speech_requests_one_speaking",
            "agenda_item_id",
            unique=True,
            sqlite_where=sa.text("status = 'speaking'"),
            postgresql_where=sa.text("status = 'speaking'"),
        ),
    )


class ProxyRequest(db.Model):
    """A member hands their seat's vote (委托) to a present member from their phone.

    pending → approved (the convener approves: a ``Proxy`` is recorded) or declined; the member
    may withdraw it (before a vote opens, which also removes the proxy). One pending request per
    seat and meeting, enforced by the database.
    """

    __tablename__ = "proxy_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    requested_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(12), default=ProxyRequestStatus.PENDING)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_at: Mapped[datetime | None]

    seat: Mapped[Seat] = relationship()  # noqa: F821
    holder: Mapped[User] = relationship(foreign_keys=[holder_id])  # noqa: F821
    requested_by: Mapped[User] = relationship(foreign_keys=[requested_by_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("status", ProxyRequestStatus), name="status_known"),
        sa.Index(
            "uq_proxy_requests_one_pending",
            "meeting_id",
            "seat_id",
            unique=True,
            sqlite_where=sa.text("status = 'pending'"),
            postgresql_where=sa.text("status = 'pending'"),
        ),
    )


class FloorMotion(db.Model):
    """A motion (动议) or an amendment (修正案) moved by a member from the floor.

    moved → seconded (附议, by another member) → admitted (the convener puts it to the vote: a
    draft ``Motion`` is made, ``motion_id``) or ruled out of order with a reason; the mover may
    withdraw it before it is admitted. An amendment (``amends_id``) proposes a new text for a
    main motion not yet opened; ``text`` is that new text. When the amendment's vote passes the
    main motion's text changes, and ``previous_text`` keeps the text it replaced (the diff).
    """

    __tablename__ = "floor_motions"

    id: Mapped[int] = mapped_column(primary_key=True)
    agenda_item_id: Mapped[int] = mapped_column(
        sa.ForeignKey("agenda_items.id", ondelete="CASCADE"), index=True
    )
    amends_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(sa.Text)
    moved_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    seconded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    status: Mapped[str] = mapped_column(sa.String(12), default=FloorMotionStatus.MOVED)
    ruling_reason: Mapped[str] = mapped_column(sa.Text, default="")
    motion_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="SET NULL"), unique=True
    )
    previous_text: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    decided_at: Mapped[datetime | None]

    moved_by: Mapped[User] = relationship(foreign_keys=[moved_by_id])  # noqa: F821
    seconded_by: Mapped[User | None] = relationship(foreign_keys=[seconded_by_id])  # noqa: F821
    motion: Mapped[Motion | None] = relationship(foreign_keys=[motion_id])  # noqa: F821
    amends: Mapped[Motion | None] = relationship(foreign_keys=[amends_id])  # noqa: F821

    __table_args__ = (
        sa.CheckConstraint(one_of("status", FloorMotionStatus), name="status_known"),
        sa.CheckConstraint("text <> ''", name="has_text"),
        sa.CheckConstraint(
            "seconded_by_id IS NULL OR seconded_by_id <> moved_by_id", name="second_by_another"
        ),
        sa.CheckConstraint(
            "status <> 'ruled_out' OR ruling_reason <> ''", name="ruling_has_reason"
        ),
    )


class Nudge(db.Model):
    """The chair nudges (提醒) a seat that has not voted yet: a notice on its voter's 会场 page.

    Only the seat and its voter are named, never a choice. The notice shows while the vote is
    open and the seat has not voted.
    """

    __tablename__ = "nudges"

    id: Mapped[int] = mapped_column(primary_key=True)
    motion_id: Mapped[int] = mapped_column(
        sa.ForeignKey("motions.id", ondelete="CASCADE"), index=True
    )
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"), index=True)
    sent_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
