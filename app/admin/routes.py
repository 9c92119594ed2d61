"""Administrator pages."""

import sqlalchemy as sa
from flask import Blueprint, render_template

from app import policy
from app.extensions import db
from app.models import Body, ResponsibleUnit, User

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@policy.admin_required
def index():
    """Overview for administrators: bodies, responsible units and people."""
    return render_template(
        "admin/index.html",
        bodies=db.session.scalars(sa.select(Body).order_by(Body.id)).all(),
        units=db.session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.id)).all(),
        people=db.session.scalars(sa.select(User).order_by(User.id)).all(),
    )
