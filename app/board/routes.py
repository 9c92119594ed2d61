"""Public pages of the board."""

import sqlalchemy as sa
from flask import Blueprint, render_template
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.models import Body, Resolution

bp = Blueprint("board", __name__)

RECENT = 10


@bp.get("/")
def index():
    """The home page: the bodies and their latest published resolutions with task progress."""
    bodies = db.session.scalars(
        sa.select(Body).options(selectinload(Body.constituencies)).order_by(Body.id)
    ).all()
    resolutions = db.session.scalars(
        sa.select(Resolution)
        .where(Resolution.status == "published")
        .options(selectinload(Resolution.tasks), selectinload(Resolution.body))
        .order_by(Resolution.published_at.desc(), Resolution.id.desc())
        .limit(RECENT)
    ).all()
    return render_template("board/index.html", bodies=bodies, resolutions=resolutions)
