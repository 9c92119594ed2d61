"""Who may see and handle what in follow-up: loaders that answer 404/403, built on app.policy."""

from flask import abort
from flask_login import current_user

from app import policy
from app.extensions import db
from app.followup import queries, rules
from app.models import (
    Body,
    Motion,
    Objection,
    Resolution,
    ResponsibleUnit,
    Task,
    TaskPart,
    TaskUpdate,
    Topic,
)
from app.models.followup import TaskRole
from app.topics.rules import survivor


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


def body_roles(body: Body) -> set[TaskRole]:
    """The current person's roles in ``body``: convener, member (a seat holder), both or none.

    Asked once per page: a page listing tasks passes these roles to every row.
    """
    roles = set()
    if policy.is_convener(current_user, body):
        roles.add(TaskRole.CONVENER)
    if policy.is_member(current_user, body):
        roles.add(TaskRole.MEMBER)
    return roles


def task_roles(task: Task) -> set[TaskRole]:
    """The current person's roles for ``task``: the body's roles, and "unit" for its staff."""
    roles = body_roles(task.resolution.body)
    if policy.is_unit_staff(current_user, task.unit):
        roles.add(TaskRole.UNIT)
    if any(policy.is_unit_staff(current_user, part.unit) for part in task.parts):
        roles.add(TaskRole.CO_UNIT)
    return rules.roles_seeing(task, roles)


def task_or_403(task_id: int, role: TaskRole | None = None) -> tuple[Task, set[TaskRole]]:
    """A task the current person may see, or act on as ``role``; others get 403.

    Conveners of the body, staff of the task's unit or of a co-unit (协办) and members of the
    body may see it; staff of another unit and anyone else may not.
    """
    task = db.get_or_404(Task, task_id)
    roles = task_roles(task)
    if not roles or (role is not None and role not in roles):
        abort(403)
    return task, roles


def part_or_403(task_id: int, part_id: int) -> TaskPart:
    """A co-unit's part of a task the current person may act on: they work for its unit.

    Staff of the lead unit or of another co-unit, conveners and members get 403.
    """
    part = db.get_or_404(TaskPart, part_id)
    if part.task_id != task_id:
        abort(404)
    roles = rules.roles_seeing(part.task, {TaskRole.CO_UNIT})
    if not roles or not policy.is_unit_staff(current_user, part.unit):
        abort(403)
    return part


def convened_part_or_403(task_id: int, part_id: int) -> TaskPart:
    """A co-unit's part of a task of a body the current person convenes."""
    part = db.get_or_404(TaskPart, part_id)
    if part.task_id != task_id:
        abort(404)
    if not policy.is_convener(current_user, part.task.resolution.body):
        abort(403)
    return part


def staffed_unit_or_403(slug: str) -> ResponsibleUnit:
    """A unit the current person works for (or any unit, for administrators)."""
    unit = queries.unit_by_slug(db.session, slug)
    if unit is None:
        abort(404)
    if not policy.is_unit_staff(current_user, unit):
        abort(403)
    return unit


def task_rated_by_link_or_404(token: str, task_id: int) -> tuple[Topic, Task]:
    """The topic of a follow link and a public task of a resolution answering it; else 404.

    A merged topic's submitter follows the topic it was merged into, and rates its tasks.

    Only the submitter holds the link, so the link is the permission: no sign-in.
    """
    topic = queries.topic_by_follow_token(db.session, token)
    task = db.get_or_404(Task, task_id)
    if topic is None or not task.is_public or not task.resolution.answers(survivor(topic)):
        abort(404)
    return topic, task


def public_photo_or_404(task_id: int, update_id: int) -> TaskUpdate:
    """A progress step of ``task_id`` that has a photo and is shown publicly; else 404."""
    update = db.get_or_404(TaskUpdate, update_id)
    if update.task_id != task_id or not update.task.is_public or not update.photo_path:
        abort(404)
    return update


def convened_objection_or_403(objection_id: int) -> Objection:
    """An objection to a published resolution of a body the current user convenes; else 404/403."""
    objection = db.get_or_404(Objection, objection_id)
    if not objection.resolution.is_published:
        abort(404)
    if not policy.is_convener(current_user, objection.resolution.body):
        abort(403)
    return objection
