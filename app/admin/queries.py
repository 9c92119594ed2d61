"""Reads of the administrator pages: plain SQLAlchemy on a session, no Flask."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Body, ResponsibleUnit, User


def all_bodies(session: Session) -> list[Body]:
    """Every body, in the order they were made."""
    return list(session.scalars(sa.select(Body).order_by(Body.id)))


def all_units(session: Session, *, by_name: bool = False) -> list[ResponsibleUnit]:
    """Every responsible unit, in the order they were made or by name."""
    order = ResponsibleUnit.name if by_name else ResponsibleUnit.id
    return list(session.scalars(sa.select(ResponsibleUnit).order_by(order)))


def all_people(session: Session) -> list[User]:
    """Every person with an account, in the order they were made."""
    return list(session.scalars(sa.select(User).order_by(User.id)))


def active_people(session: Session) -> list[User]:
    """The people who may be given a role, by name (deactivated accounts are not offered)."""
    return list(session.scalars(sa.select(User).where(User.active).order_by(User.name)))


def unit_by_slug(session: Session, slug: str) -> ResponsibleUnit | None:
    """The responsible unit with this slug, or None."""
    return session.scalar(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))
