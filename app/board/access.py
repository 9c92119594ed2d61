"""What the public may reach on the board: published things only; anything else is a 404."""

from typing import TypeVar

from flask import abort

from app.board import queries
from app.extensions import db
from app.followup import queries as followup_queries
from app.models import Body, Resolution, ResponsibleUnit

T = TypeVar("T")


def _found(thing: T | None) -> T:
    """``thing``, or a 404 when the read found nothing."""
    if thing is None:
        abort(404)
    return thing


def published_or_404(resolution_id: int) -> Resolution:
    """A published resolution, or 404: drafts do not exist for the public."""
    return _found(queries.published_resolution(db.session, resolution_id))


def body_or_404(slug: str) -> Body:
    """A body by its slug, with its constituencies, or 404."""
    return _found(queries.body_by_slug(db.session, slug))


def unit_or_404(slug: str) -> ResponsibleUnit:
    """A responsible unit by its slug, or 404: every unit's record is public."""
    return _found(followup_queries.unit_by_slug(db.session, slug))
