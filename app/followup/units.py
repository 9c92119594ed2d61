"""Conveners add the responsible units their body needs and invite their staff (plain Python).

Rules:

- a convener adds a unit to their body: a new one by name, or one that already exists;
  a unit is added once (the pair is the table's primary key);
- a convener invites a person to a unit of their body: a new account without a password, put on
  the unit's staff, who signs in through a personal link shown once;
- a phone number that already has an account is refused: only an administrator may give an
  existing person a unit (a convener must not be able to mint sign-in links for accounts that
  are not theirs to manage).
"""

from __future__ import annotations

import secrets
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.models import Body, BodyUnit, ResponsibleUnit, UnitStaff, User


class UnitError(ValueError):
    """A step refused; the message says why."""


def add_new_unit(
    session: Session, body: Body, name: str, description: str = "", *, actor_id, now: datetime
) -> ResponsibleUnit:
    """Create a unit named ``name`` and add it to ``body`` (its web name is generated)."""
    unit = ResponsibleUnit(
        slug=f"unit-{secrets.token_hex(4)}",
        name=name.strip(),
        description=(description or "").strip(),
        created_at=now,
    )
    session.add(unit)
    session.flush()
    session.add(BodyUnit(body_id=body.id, unit_id=unit.id, added_by_id=actor_id, added_at=now))
    return unit


def add_existing_unit(
    session: Session, body: Body, unit: ResponsibleUnit, *, actor_id, now: datetime
) -> bool:
    """Add an existing unit to ``body``; False when it was already there."""
    if session.get(BodyUnit, (body.id, unit.id)) is not None:
        return False
    session.add(BodyUnit(body_id=body.id, unit_id=unit.id, added_by_id=actor_id, added_at=now))
    return True


def invite_staff(
    session: Session, unit: ResponsibleUnit, name: str, phone: str | None, *, now: datetime
) -> User:
    """A new person on ``unit``'s staff, signing in by personal link (no password)."""
    phone = (phone or "").strip() or None
    if phone and session.scalar(sa.select(User.id).where(User.phone == phone)) is not None:
        raise UnitError("phone taken")
    person = User(name=name.strip(), phone=phone, created_at=now)
    session.add(person)
    session.flush()
    session.add(UnitStaff(unit_id=unit.id, user_id=person.id))
    return person
