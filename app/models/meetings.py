"""Meetings of a body: agenda items, attendance (签到), substitutes and proxies (委托)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db
from app.models.statuses import CheckInMethod, ItemKind, MeetingStatus, one_of


class Meeting(db.Model):
    """One sitting of a body: draft → agenda published → in session → closed."""

    __tablename__ = "meetings"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime | None]
    place: Mapped[str] = mapped_column(sa.String(120), default="")
    notice_days: Mapped[int] = mapped_column(default=3)
    status: Mapped[str] = mapped_column(sa.String(20), default=MeetingStatus.DRAFT, index=True)
    published_at: Mapped[datetime | None]
    opened_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    current_item_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("agenda_items.id", use_alter=True, ondelete="SET NULL")
    )
    #: Random token in the room's check-in QR code (/checkin/<token>).
    checkin_token: Mapped[str] = mapped_column(sa.String(40), unique=True)
    #: 主持人 and 记录人, named in the minutes and their signature block.
    chair: Mapped[str] = mapped_column(sa.String(64), default="")
    recorder: Mapped[str] = mapped_column(sa.String(64), default="")
    #: Draft minutes become confirmed minutes (确认纪要): from then on only corrections are added.
    minutes_confirmed_at: Mapped[datetime | None]
    minutes_confirmed_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: How they were confirmed: "convener" (a step of the convener) or "meeting" (next meeting).
    minutes_confirmed_how: Mapped[str] = mapped_column(sa.String(20), default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    body: Mapped[Body] = relationship()  # noqa: F821
    current_item: Mapped[AgendaItem | None] = relationship(foreign_keys=[current_item_id])
    items: Mapped[list[AgendaItem]] = relationship(
        back_populates="meeting",
        order_by="AgendaItem.position",
        foreign_keys="AgendaItem.meeting_id",
        cascade="all, delete-orphan",
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("status", MeetingStatus), name="status_known"),
        sa.CheckConstraint("notice_days >= 0", name="notice_nonneg"),
    )

    @property
    def accepts_check_in(self) -> bool:
        """Seats check in (签到) from the agenda's publishing until the meeting closes."""
        return self.status in (MeetingStatus.PUBLISHED, MeetingStatus.IN_SESSION)

    @property
    def agenda_is_public(self) -> bool:
        """Once published the agenda is public, and every change to it is listed (议程变更记录)."""
        return self.status != MeetingStatus.DRAFT

    @property
    def is_closed(self) -> bool:
        """A closed meeting is final: its details, agenda, notes and roster no longer change."""
        return self.status == MeetingStatus.CLOSED

    @property
    def minutes_confirmed(self) -> bool:
        """The minutes were confirmed: they change only by appended corrections (更正)."""
        return self.minutes_confirmed_at is not None

    @property
    def in_session(self) -> bool:
        """The meeting is sitting: the room follows a current item and votes may run."""
        return self.status == MeetingStatus.IN_SESSION


class AgendaItem(db.Model):
    """An item of a meeting's agenda (议程): information, discussion or decision."""

    __tablename__ = "agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    kind: Mapped[str] = mapped_column(sa.String(20), default=ItemKind.DISCUSSION)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    presenter: Mapped[str] = mapped_column(sa.String(64), default="")
    minutes_allotted: Mapped[int] = mapped_column(default=10)
    topic_id: Mapped[int | None] = mapped_column(sa.ForeignKey("topics.id"))
    #: The convener's notes for the minutes (会议纪要), written before the meeting closes.
    notes: Mapped[str] = mapped_column(sa.Text, default="")

    meeting: Mapped[Meeting] = relationship(back_populates="items", foreign_keys=[meeting_id])
    topic: Mapped[Topic | None] = relationship()  # noqa: F821
    motions: Mapped[list[Motion]] = relationship(  # noqa: F821
        back_populates="agenda_item", order_by="Motion.id"
    )

    __table_args__ = (
        sa.CheckConstraint(one_of("kind", ItemKind), name="kind_known"),
        sa.CheckConstraint("minutes_allotted >= 0", name="minutes_nonneg"),
    )


class Attendance(db.Model):
    """A seat checked in (签到) at a meeting, by its holder, a substitute or the convener."""

    __tablename__ = "attendances"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    #: qr, link or convener (ticked in from the list).
    method: Mapped[str] = mapped_column(sa.String(20))
    checked_in_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "seat_id"),
        sa.CheckConstraint(one_of("method", CheckInMethod), name="method_known"),
    )


class Substitute(db.Model):
    """A substitute (替补) who takes a seat for one meeting in place of its holder."""

    __tablename__ = "substitutes"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "seat_id"),)


class Proxy(db.Model):
    """A proxy (委托): for one meeting a seat hands its vote to another present member."""

    __tablename__ = "proxies"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    holder_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "seat_id"),)


class Leave(db.Model):
    """A seat excused (请假) from one meeting, recorded by the convener, shown in the minutes."""

    __tablename__ = "leaves"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("meetings.id", ondelete="CASCADE"))
    seat_id: Mapped[int] = mapped_column(sa.ForeignKey("seats.id", ondelete="CASCADE"))
    note: Mapped[str] = mapped_column(sa.String(200), default="")
    set_by_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (sa.UniqueConstraint("meeting_id", "seat_id"),)


class MinutesCorrection(db.Model):
    """A correction (更正) appended to confirmed minutes, with its reason: never a silent edit."""

    __tablename__ = "minutes_corrections"

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(
        sa.ForeignKey("meetings.id", ondelete="CASCADE"), index=True
    )
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    text: Mapped[str] = mapped_column(sa.Text)
    reason: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    __table_args__ = (sa.CheckConstraint("text <> '' AND reason <> ''", name="text_and_reason"),)
