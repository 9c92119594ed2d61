"""Bodies whose seats are all filled, fast: the holders have no password to hash."""

from app.extensions import db
from app.models import User
from tests.factories import make_body

_count = iter(range(1, 1_000_000))


def make_filled_body(constituencies):
    """A body (see ``make_body``) with every seat held by a password-less member."""
    body = make_body(constituencies=constituencies, holders=False)
    for constituency in body.constituencies:
        for seat in constituency.seat_list:
            n = next(_count)
            seat.holder = User(name=f"{constituency.key}{seat.number}", phone=f"1370000{n:04d}")
    db.session.commit()
    return body
