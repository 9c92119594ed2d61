"""Joint meetings (联席会议) as standing bodies: constituencies, seats, conveners, units."""

from __future__ import annotations

from datetime import datetime
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app import clock
from app.extensions import db

DEFAULT_RULE = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}
DEFAULT_CATEGORIES = ["环境卫生", "安全", "停车", "商户经营", "设施", "其他"]
DEFAULT_RATING_RULE = "majority_basic"
#: How the rates of units are defined (app/followup/rates.py documents each key).
DEFAULT_RATE_DEFINITIONS = {
    "basic_weight": "9/10",
    "weights": {"response": "1/10", "resolution": "1/2", "satisfaction": "2/5"},
}


class Body(db.Model):
    """A joint meeting as a standing body (e.g. 华兴街三级党建联席会), with its own rules."""

    __tablename__ = "bodies"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    short_name: Mapped[str] = mapped_column(sa.String(40))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    #: The voting rule of docs/counting.md used when a motion does not choose another.
    default_rule: Mapped[dict] = mapped_column(sa.JSON, default=lambda: dict(DEFAULT_RULE))
    topic_categories: Mapped[list] = mapped_column(
        sa.JSON, default=lambda: list(DEFAULT_CATEGORIES)
    )
    #: How many seconds (附议) a topic needs before it is put to the convener as ready.
    seconds_needed: Mapped[int] = mapped_column(default=0)
    #: Whether one member may carry the proxies (委托) of several seats at one meeting.
    allow_multiple_proxies: Mapped[bool] = mapped_column(default=False)
    #: Minutes of closed meetings are public unless the body keeps them to members (off).
    minutes_members_only: Mapped[bool] = mapped_column(default=False)
    #: Whether a ballot takes a second tap (确认：赞成) so that a mis-tap is not final; a body
    #: may turn it off for fast rooms.
    confirm_ballots: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Resolution numbers, e.g. "{short_name}〔{year}〕{number}号" → 华兴街联席〔2026〕3号.
    resolution_number_format: Mapped[str] = mapped_column(
        sa.String(80), default="{short_name}〔{year}〕{number}号"
    )
    #: The speaker queue's rules (发言规则), see app.meetings.speakers.FloorRules; {} = defaults.
    floor_rules: Mapped[dict] = mapped_column(sa.JSON, default=dict, server_default="{}")
    #: When a rated task is closed (销号); see app/followup for the rules by name.
    rating_rule: Mapped[str] = mapped_column(sa.String(40), default=DEFAULT_RATING_RULE)
    #: Days a published resolution stays in its notice period (公示期) before it is in force.
    notice_days: Mapped[int] = mapped_column(default=7, server_default="7")
    #: Hours a unit has to acknowledge (签收) a task; later acknowledgement is recorded as late.
    sign_hours: Mapped[int] = mapped_column(default=24, server_default="24")
    #: Working days a unit gets to put a task right after an unsatisfied return visit (整改).
    rectify_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    #: Working days before a deadline on which the unit is reminded.
    remind_workdays: Mapped[int] = mapped_column(default=1, server_default="1")
    #: Working days overdue after which a task is proposed for the next meeting (吹哨报到).
    escalate_workdays: Mapped[int] = mapped_column(default=5, server_default="5")
    #: The definitions of the units' rates (满意率 weight of 基本满意, weights of 综合).
    rate_definitions: Mapped[dict] = mapped_column(
        sa.JSON, default=lambda: dict(DEFAULT_RATE_DEFINITIONS)
    )
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    constituencies: Mapped[list[Constituency]] = relationship(
        back_populates="body", order_by="Constituency.position", cascade="all, delete-orphan"
    )
    conveners: Mapped[list[Convener]] = relationship(cascade="all, delete-orphan")

    __table_args__ = (
        sa.CheckConstraint("seconds_needed >= 0", name="seconds_needed_nonneg"),
        sa.CheckConstraint(
            "sign_hours >= 1 AND rectify_workdays >= 1 AND remind_workdays >= 0"
            " AND escalate_workdays >= 1 AND notice_days >= 0",
            name="followup_limits_positive",
        ),
    )

    @property
    def seat_count(self) -> int:
        """All seats of the body (the 'entitled' base)."""
        return sum(c.seats for c in self.constituencies)

    def __repr__(self) -> str:
        return f"<Body {self.slug}>"


class Constituency(db.Model):
    """A constituency (界别 / 席位类别) of a body, holding a whole number of seats."""

    __tablename__ = "constituencies"

    id: Mapped[int] = mapped_column(primary_key=True)
    body_id: Mapped[int] = mapped_column(sa.ForeignKey("bodies.id", ondelete="CASCADE"))
    key: Mapped[str] = mapped_column(sa.String(40))
    name: Mapped[str] = mapped_column(sa.String(60))
    seats: Mapped[int]
    #: Share of the body's voting weight as an exact fraction ("2/5"); None when unused.
    share: Mapped[str | None] = mapped_column(sa.String(32))
    #: The share is a minimum quota of seats ("merchants at least 40%").
    share_is_minimum: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)

    body: Mapped[Body] = relationship(back_populates="constituencies")
    seat_list: Mapped[list[Seat]] = relationship(
        back_populates="constituency", order_by="Seat.number", cascade="all, delete-orphan"
    )

    __table_args__ = (
        sa.UniqueConstraint("body_id", "key"),
        sa.CheckConstraint("seats >= 1", name="seats_positive"),
    )

    @property
    def share_fraction(self) -> Fraction | None:
        """The share as an exact fraction."""
        return Fraction(self.share) if self.share else None


class Seat(db.Model):
    """A seat (席位) of a constituency, held by one member (or vacant)."""

    __tablename__ = "seats"

    id: Mapped[int] = mapped_column(primary_key=True)
    constituency_id: Mapped[int] = mapped_column(
        sa.ForeignKey("constituencies.id", ondelete="CASCADE"), index=True
    )
    number: Mapped[int]
    holder_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"), index=True)
    #: The unit the holder represents, as people say it (e.g. "老字号茶铺").
    represents: Mapped[str] = mapped_column(sa.String(80), default="")

    constituency: Mapped[Constituency] = relationship(back_populates="seat_list")
    holder: Mapped[User | None] = relationship(back_populates="seats")  # noqa: F821

    __table_args__ = (
        sa.UniqueConstraint("constituency_id", "number"),
        sa.CheckConstraint("number >= 1", name="number_positive"),
    )


class Convener(db.Model):
    """A person who convenes (召集) a body: triages topics, runs meetings and votes."""

    __tablename__ = "conveners"

    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()  # noqa: F821


class ResponsibleUnit(db.Model):
    """A responsible unit (承办单位) that takes on follow-up tasks, e.g. a property company."""

    __tablename__ = "responsible_units"

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.Text, default="")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    staff: Mapped[list[UnitStaff]] = relationship(cascade="all, delete-orphan")


class UnitStaff(db.Model):
    """A person who works for a responsible unit and handles its tasks."""

    __tablename__ = "unit_staff"

    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responsible_units.id", ondelete="CASCADE"), primary_key=True
    )
    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("users.id", ondelete="CASCADE"), primary_key=True
    )

    user: Mapped[User] = relationship()  # noqa: F821
    unit: Mapped[ResponsibleUnit] = relationship(back_populates="staff")


class BodyUnit(db.Model):
    """A responsible unit a body works with, added by its convener (or an administrator)."""

    __tablename__ = "body_units"

    body_id: Mapped[int] = mapped_column(
        sa.ForeignKey("bodies.id", ondelete="CASCADE"), primary_key=True
    )
    unit_id: Mapped[int] = mapped_column(
        sa.ForeignKey("responsible_units.id", ondelete="CASCADE"), primary_key=True
    )
    added_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    added_at: Mapped[datetime] = mapped_column(default=clock.now)

    unit: Mapped[ResponsibleUnit] = relationship()
