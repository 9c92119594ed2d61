"""Helpers for the lists tests: a body with a need, a lead unit and projects."""

from datetime import date
from decimal import Decimal

from app.extensions import db
from app.models import Need, Project


def make_need(body, title="老旧小区加装电梯", category="设施", topic=None):
    """A need on the body's list."""
    need = Need(body_id=body.id, title=title, category=category, topic=topic)
    db.session.add(need)
    db.session.commit()
    return need


def make_project(body, need, unit, title="加装电梯", budget="120000.00", **fields):
    """A proposed project binding ``need`` to ``unit`` as lead unit."""
    project = Project(
        body_id=body.id,
        need=need,
        lead_unit_id=unit.id,
        title=title,
        plan=fields.pop("plan", "三个月内完成"),
        budget=Decimal(budget),
        deadline=fields.pop("deadline", date(2027, 3, 31)),
        **fields,
    )
    db.session.add(project)
    db.session.commit()
    return project
