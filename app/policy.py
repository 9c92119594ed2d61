"""Who may do what: the one policy module every view goes through.

Roles come from the data (see ``User``): administrator, convener of a body, member holding a
seat of a body, staff of a responsible unit. Views declare their audience with the decorators
below and load protected objects with the ``*_or_403`` helpers, here when several areas share
them, in ``<area>/access.py`` (built on these predicates) when one area does.
"""

from functools import wraps

import sqlalchemy as sa
from flask import abort
from flask_login import current_user, login_required

from app.extensions import db
from app.models import (
    Body,
    Constituency,
    Convener,
    Meeting,
    MeetingStatus,
    ResponsibleUnit,
    Seat,
    UnitStaff,
    User,
)

__all__ = ["login_required"]


def is_convener(user: User, body: Body) -> bool:
    """Administrators and the body's conveners may run it."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return db.session.get(Convener, (body.id, user.id)) is not None


def is_member(user: User, body: Body) -> bool:
    """A member holds at least one seat of the body."""
    if not user.is_authenticated:
        return False
    query = (
        sa.select(Seat.id)
        .join(Constituency)
        .where(Constituency.body_id == body.id, Seat.holder_id == user.id)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def is_unit_staff(user: User, unit: ResponsibleUnit) -> bool:
    """Staff of the unit (and administrators) handle its tasks."""
    if not user.is_authenticated:
        return False
    if user.is_admin:
        return True
    return db.session.get(UnitStaff, (unit.id, user.id)) is not None


def convened_bodies(user: User) -> list[Body]:
    """The bodies this person may run."""
    if not user.is_authenticated:
        return []
    query = sa.select(Body).order_by(Body.id)
    if not user.is_admin:
        query = query.join(Convener).where(Convener.user_id == user.id)
    return list(db.session.scalars(query))


def can_manage_person(actor: User, person: User) -> bool:
    """Administrators manage everyone; a convener manages the members of the bodies they run."""
    if actor.is_admin:
        return True
    query = (
        sa.select(Seat.id)
        .join(Constituency)
        .join(Convener, Convener.body_id == Constituency.body_id)
        .where(Seat.holder_id == person.id, Convener.user_id == actor.id)
        .limit(1)
    )
    return db.session.scalar(query) is not None


def admin_required(view):
    """Only administrators; anonymous visitors are sent to sign in, others get 403."""

    @wraps(view)
    @login_required
    def wrapped(*args, **kwargs):
        if not current_user.is_admin:
            abort(403)
        return view(*args, **kwargs)

    return wrapped


def body_or_404(slug: str) -> Body:
    """Load a body by its slug or answer 404."""
    return db.first_or_404(sa.select(Body).where(Body.slug == slug))


def convened_body_or_403(slug: str) -> Body:
    """Load a body the current person convenes: 404 if unknown, 403 if not theirs."""
    body = body_or_404(slug)
    if not is_convener(current_user, body):
        abort(403)
    return body


def meeting_visible_or_404(meeting_id: int) -> Meeting:
    """Load a meeting anyone may see: published ones; a draft only for the body's conveners."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if meeting.status == MeetingStatus.DRAFT and not is_convener(current_user, meeting.body):
        abort(404)
    return meeting


def meeting_to_manage_or_403(meeting_id: int) -> Meeting:
    """Load a meeting to run it: 404 if unknown, 403 unless convening its body."""
    meeting = db.get_or_404(Meeting, meeting_id)
    if not is_convener(current_user, meeting.body):
        abort(403)
    return meeting


def seat_of_body_or_404(body_id: int, seat_id: int) -> Seat:
    """Load a seat of this body, or 404: a seat of another body is never reached through it."""
    seat = db.get_or_404(Seat, seat_id)
    if seat.constituency.body_id != body_id:
        abort(404)
    return seat
