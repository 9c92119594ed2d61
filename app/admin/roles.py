"""Making bodies, responsible units and people, and giving people their roles (no Flask).

Plain functions that change the session; the caller records the audit event and commits. A role
is a row (``Convener``, ``UnitStaff``), so giving a role twice changes nothing.
"""

from sqlalchemy.orm import Session

from app.models import Body, Convener, ResponsibleUnit, UnitStaff, User


def new_body(
    session: Session, *, slug: str, name: str, short_name: str, description: str = ""
) -> Body:
    """Add a joint meeting body; its constituencies are set up afterwards by its conveners."""
    body = Body(
        slug=slug,
        name=name.strip(),
        short_name=short_name.strip(),
        description=(description or "").strip(),
    )
    session.add(body)
    return body


def new_unit(session: Session, *, slug: str, name: str, description: str = "") -> ResponsibleUnit:
    """Add a responsible unit (承办单位)."""
    unit = ResponsibleUnit(slug=slug, name=name.strip(), description=(description or "").strip())
    session.add(unit)
    return unit


def new_person(
    session: Session, *, name: str, phone: str | None, username: str | None, password: str | None
) -> User:
    """Add a person; without a password they sign in through a personal link."""
    person = User(name=name.strip(), phone=phone, username=username or None)
    if password:
        person.set_password(password)
    session.add(person)
    return person


def make_convener(session: Session, body: Body, person: User) -> bool:
    """Make ``person`` a convener (召集人) of ``body``; False when they already were."""
    session.flush()
    if session.get(Convener, (body.id, person.id)) is not None:
        return False
    session.add(Convener(body_id=body.id, user_id=person.id))
    return True


def add_staff(session: Session, unit: ResponsibleUnit, person: User) -> bool:
    """Put ``person`` on ``unit``'s staff, to see and handle its tasks; False if already on it."""
    session.flush()
    if session.get(UnitStaff, (unit.id, person.id)) is not None:
        return False
    session.add(UnitStaff(unit_id=unit.id, user_id=person.id))
    return True
