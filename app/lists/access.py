"""Who may reach the lists: loaders that answer 404/403, built on app.policy.

The lists are the body's: its members and conveners see every resource and project; the public
sees only the public page (resources whose owner allowed it, projects, totals).
"""

from flask import abort
from flask_login import current_user

from app import policy
from app.extensions import db
from app.models import Batch, Body, Pledge, Project


def may_see(body: Body) -> bool:
    """The body's members and conveners (and administrators) see the lists."""
    return policy.is_convener(current_user, body) or policy.is_member(current_user, body)


def listed_body_or_403(slug: str) -> Body:
    """A body whose lists the current person may see and add to: 404 if unknown, else 403."""
    body = policy.body_or_404(slug)
    if not may_see(body):
        abort(403)
    return body


def project_or_403(project_id: int) -> Project:
    """A project for its body's members and conveners."""
    project = db.get_or_404(Project, project_id)
    if not may_see(db.session.get(Body, project.body_id)):
        abort(403)
    return project


def pledge_to_manage_or_403(pledge_id: int) -> Pledge:
    """A pledge whose delivery the body's convener records."""
    pledge = db.get_or_404(Pledge, pledge_id)
    if not policy.is_convener(current_user, db.session.get(Body, pledge.project.body_id)):
        abort(403)
    return pledge


def batch_to_manage_or_403(batch_id: int) -> Batch:
    """A batch the current person convenes."""
    batch = db.get_or_404(Batch, batch_id)
    if not policy.is_convener(current_user, batch.body):
        abort(403)
    return batch
