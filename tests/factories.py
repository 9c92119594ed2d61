"""Small factories for tests: people, bodies with constituencies and seats, meetings.

Each returns committed objects so that the client's requests (which use their own session) see
them.
"""

import itertools
import secrets
from datetime import datetime

from werkzeug.security import generate_password_hash

from app.extensions import db
from app.models import Body, Constituency, Convener, Meeting, ResponsibleUnit, Seat, UnitStaff, User

_numbers = itertools.count(1)
PASSWORD = "correct horse 12"
#: Hashing is deliberately slow; hash the shared test password once, not for every member.
_PASSWORD_HASH = generate_password_hash(PASSWORD)


def make_user(
    name: str | None = None,
    *,
    phone: str | None = None,
    username: str | None = None,
    password: str | None = PASSWORD,
    is_admin: bool = False,
    commit: bool = True,
) -> User:
    """A person with a password; unique phone and username unless given.

    ``commit=False`` only adds them to the session (the caller commits): a commit expires every
    object of the session, and a factory making many people would reload them all each time.
    """
    n = next(_numbers)
    user = User(
        name=name or f"成员{n}",
        phone=phone or f"1380000{n:04d}",
        username=username or f"user{n}",
        is_admin=is_admin,
    )
    if password:
        if password == PASSWORD:
            user.password_hash = _PASSWORD_HASH
        else:
            user.set_password(password)
    db.session.add(user)
    if commit:
        db.session.commit()
    return user


def make_body(
    slug: str | None = None,
    constituencies=None,
    rule: dict | None = None,
    holders: bool = True,
    convener: User | None = None,
    **fields,
) -> Body:
    """A body; ``constituencies`` is a list of (key, seats, share, minimum) tuples.

    By default: community 12 seats (2/5), street 5 (1/5), merchant 8 (2/5, minimum) — the
    worked example of docs/counting.md. With ``holders`` every seat gets a member.
    """
    n = next(_numbers)
    constituencies = constituencies or [
        ("community", 12, "2/5", False),
        ("street", 5, "1/5", False),
        ("merchant", 8, "2/5", True),
    ]
    body = Body(slug=slug or f"body{n}", name=f"联席会议{n}", short_name=f"联席{n}", **fields)
    if rule:
        body.default_rule = rule
    db.session.add(body)
    for position, (key, seats, share, minimum) in enumerate(constituencies):
        constituency = Constituency(
            body=body,
            key=key,
            name=key,
            seats=seats,
            share=share,
            share_is_minimum=minimum,
            position=position,
        )
        db.session.add(constituency)
        for number in range(1, seats + 1):
            holder = make_user(f"{key}{number}", commit=False) if holders else None
            db.session.add(Seat(constituency=constituency, number=number, holder=holder))
    if convener:
        db.session.add(Convener(body=body, user_id=convener.id))
    db.session.commit()
    return body


def make_convener(body: Body) -> User:
    """A person who convenes ``body``."""
    user = make_user("召集人")
    db.session.add(Convener(body_id=body.id, user_id=user.id))
    db.session.commit()
    return user


def make_unit(staff: User | None = None) -> ResponsibleUnit:
    """A responsible unit, with ``staff`` working for it."""
    n = next(_numbers)
    unit = ResponsibleUnit(slug=f"unit{n}", name=f"承办单位{n}")
    db.session.add(unit)
    if staff:
        db.session.add(UnitStaff(unit=unit, user_id=staff.id))
    db.session.commit()
    return unit


def make_meeting(body: Body, status: str = "draft", **fields) -> Meeting:
    """A meeting of ``body``."""
    meeting = Meeting(
        body_id=body.id,
        title=fields.pop("title", "季度联席会议"),
        starts_at=fields.pop("starts_at", datetime(2026, 12, 1, 6, 30)),
        status=status,
        checkin_token=secrets.token_urlsafe(16),
        **fields,
    )
    db.session.add(meeting)
    db.session.commit()
    return meeting
