"""Who may see and handle what in follow-up: loaders that answer 404/403, built on app.policy."""

from flask import abort
from flask_login import current_user

from app import policy
from app.extensions import db
from app.models import Motion, Resolution, ResponsibleUnit, Task


def convened_motion_or_403(motion_id: int) -> Motion:
    """A motion of a body the current person convenes."""
    motion = db.get_or_404(Motion, motion_id)
    if not policy.is_convener(current_user, motion.meeting.body):
        abort(403)
    return motion


def convened_resolution_or_403(resolution_id: int) -> Resolution:
    """A resolution (draft or published) of a body the current person convenes."""
    resolution = db.get_or_404(Resolution, resolution_id)
    if not policy.is_convener(current_user, resolution.body):
        abort(403)
    return resolution


def task_roles(task: Task) -> set[str]:
    """The current person's roles for ``task``: "convener", "unit" (its unit's staff), "member"."""
    body = task.resolution.body
    roles = set()
    if policy.is_convener(current_user, body):
        roles.add("convener")
    if policy.is_unit_staff(current_user, task.unit):
        roles.add("unit")
    if policy.is_member(current_user, body):
        roles.add("member")
    return roles


def task_or_403(task_id: int, role: str | None = None) -> tuple[Task, set[str]]:
    """A task the current person may see, or act on as ``role``; others get 403.

    Conveners of the body, staff of the task's unit and members of the body may see it; staff of
    another unit and anyone else may not.
    """
    task = db.get_or_404(Task, task_id)
    roles = task_roles(task)
    if not roles or (role is not None and role not in roles):
        abort(403)
    return task, roles


def staffed_unit_or_403(slug: str) -> ResponsibleUnit:
    """A unit the current person works for (or any unit, for administrators)."""
    unit = db.first_or_404(db.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))
    if not policy.is_unit_staff(current_user, unit):
        abort(403)
    return unit
