"""What the administrator pages load: units and role holders, answering 404 when unknown.

Every administrator view is guarded by ``policy.admin_required``; these loaders only find.
"""

from flask import abort

from app.admin import queries
from app.extensions import db
from app.models import Body, Convener, ResponsibleUnit, UnitStaff, User


def unit_or_404(slug: str) -> ResponsibleUnit:
    """The responsible unit with this slug, or 404."""
    unit = queries.unit_by_slug(db.session, slug)
    if unit is None:
        abort(404)
    return unit


def person_or_404(user_id: int) -> User:
    """A person by id, or 404."""
    return db.get_or_404(User, user_id)


def convener_or_404(body: Body, user_id: int) -> Convener:
    """The person's convenership of ``body``, or 404 when they do not convene it."""
    return db.get_or_404(Convener, (body.id, user_id))


def staff_or_404(unit: ResponsibleUnit, user_id: int) -> UnitStaff:
    """The person's place on ``unit``'s staff, or 404 when they are not on it."""
    return db.get_or_404(UnitStaff, (unit.id, user_id))
