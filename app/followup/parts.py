"""主办 / 协办: a task's lead unit and its co-units, each co-unit with its own part (plain Python).

The task's own unit is the lead unit (主办) and runs the task's ladder (app/followup/rules.py).
A co-unit (协办单位) gets a part of the task (``TaskPart``): what it must do, and its own state::

    action    from                     to            who
    add       (the task not finished)  assigned      convener (at 派单, at 改派, or later)
    remove    (any part not 完成)       (gone)        convener (the timeline keeps it)
    accept    assigned                 accepted      the co-unit's staff (签收; late after the
                                                     body's ``sign_hours``, recorded)
    decline   assigned                 declined      the co-unit's staff, with a reason (回退);
                                                     the convener then removes the part or
                                                     gives it to another unit
    progress  accepted, in_progress    in_progress   the co-unit's staff (a dated note)
    finish    accepted, in_progress    done          the co-unit's staff, with what it did (完成)

The rule between them, kept simple: **the lead unit cannot report 办结 while any part is not
完成** — a part handed back waits too, for the convener to remove or re-give it. The refusal
names the co-units that wait (``PartsWaiting``). A part's moves are allowed only while the task
itself is not finished (办结 or 销号). Every move appends a ``TaskUpdate`` on the task's
timeline naming the co-unit; the caller records the audit event and commits.

Rates: co-units are **not** counted in any unit's rates. The lead unit answers for the whole
task (响应率 from its own 签收, 解决率 and 满意率 from the task's return visits); a co-unit's
late 签收 is recorded on its part and shown on the task, not ranked.
"""

from __future__ import annotations

from datetime import datetime

from app.followup.rules import PartsWaiting, TaskError, is_sign_late
from app.models.followup import FINISHED, Task, TaskPart, TaskUpdate, UpdateKind
from app.models.statuses import PartStatus

ASSIGNED, ACCEPTED, IN_PROGRESS = PartStatus.ASSIGNED, PartStatus.ACCEPTED, PartStatus.IN_PROGRESS
DONE, DECLINED = PartStatus.DONE, PartStatus.DECLINED

#: The co-unit's moves: action → (statuses it may start from, status it leads to).
TRANSITIONS: dict[str, tuple[tuple[PartStatus, ...], PartStatus]] = {
    "accept": ((ASSIGNED,), ACCEPTED),
    "decline": ((ASSIGNED,), DECLINED),
    "progress": ((ACCEPTED, IN_PROGRESS), IN_PROGRESS),
    "finish": ((ACCEPTED, IN_PROGRESS), DONE),
}

UPDATE_KINDS = {
    "accept": UpdateKind.PART_ACCEPTED,
    "decline": UpdateKind.PART_DECLINED,
    "progress": UpdateKind.PART_NOTE,
    "finish": UpdateKind.PART_DONE,
}

__all__ = ["PartsWaiting", "TaskError"]


def _step(task: Task, part: TaskPart, kind: UpdateKind, *, actor_id, now: datetime, note: str):
    """Add a step about ``part`` to the task's timeline, naming its unit."""
    details = {"unit_id": part.unit_id, "unit": part.unit.name}
    task.updates.append(
        TaskUpdate(
            kind=kind, note=note.strip(), author_id=actor_id, created_at=now, details=details
        )
    )
    task.updated_at = now


def can_change_parts(task: Task) -> bool:
    """The convener may add or remove co-units while the task is not finished."""
    return task.status not in FINISHED


def add_part(task: Task, unit, description: str, *, actor_id=None, now: datetime) -> TaskPart:
    """The convener gives ``unit`` a part of ``task`` (协办) with what it must do."""
    if not description.strip():
        raise TaskError("a co-unit's part needs a description")
    if not can_change_parts(task):
        raise TaskError("a finished task takes no co-unit")
    if unit.id == task.unit_id:
        raise TaskError("the lead unit cannot also be a co-unit")
    if any(p.unit_id == unit.id for p in task.parts):
        raise TaskError("this unit already has a part")
    part = TaskPart(unit_id=unit.id, description=description.strip(), status=ASSIGNED, added_at=now)
    part.unit = unit
    task.parts.append(part)
    _step(task, part, UpdateKind.PART_ADDED, actor_id=actor_id, now=now, note=part.description)
    return part


def remove_part(task: Task, part: TaskPart, *, actor_id=None, now: datetime) -> None:
    """The convener takes a co-unit off the task; a part already 完成 stays (it is history)."""
    if not can_change_parts(task):
        raise TaskError("a finished task keeps its co-units")
    if part.status == DONE:
        raise TaskError("a finished part stays")
    _step(task, part, UpdateKind.PART_REMOVED, actor_id=actor_id, now=now, note="")
    task.parts.remove(part)


def allowed_actions(part: TaskPart) -> list[str]:
    """The moves the co-unit's staff may make on ``part`` now (none once the task is finished)."""
    if part.task.status in FINISHED:
        return []
    return [action for action, (sources, _to) in TRANSITIONS.items() if part.status in sources]


def _move(part: TaskPart, action: str, *, actor_id, now: datetime, note: str = "") -> None:
    if action not in allowed_actions(part):
        raise TaskError(f"a {part.status!r} part cannot be {action!r}ed")
    part.status = TRANSITIONS[action][1]
    _step(part.task, part, UPDATE_KINDS[action], actor_id=actor_id, now=now, note=note)


def accept(part: TaskPart, *, actor_id=None, now: datetime, sign_hours: int = 24) -> None:
    """The co-unit acknowledges its part (签收); late after ``sign_hours`` since it was given."""
    _move(part, "accept", actor_id=actor_id, now=now)
    part.accepted_at = now
    part.signed_late = is_sign_late(part.added_at, now, sign_hours)
    if part.signed_late:
        part.task.updates[-1].details = {**part.task.updates[-1].details, "late": True}


def decline(part: TaskPart, reason: str, *, actor_id=None, now: datetime) -> None:
    """The co-unit hands its part back with a reason (回退); the convener decides what next."""
    if not reason.strip():
        raise TaskError("a decline needs a reason")
    part.decline_reason = reason.strip()
    _move(part, "decline", actor_id=actor_id, now=now, note=reason)


def progress(part: TaskPart, note: str, *, actor_id=None, now: datetime) -> None:
    """The co-unit reports progress on its part (办理中)."""
    if not note.strip():
        raise TaskError("a progress report needs words")
    _move(part, "progress", actor_id=actor_id, now=now, note=note)


def finish(part: TaskPart, report: str, *, actor_id=None, now: datetime) -> None:
    """The co-unit reports its part done (完成) with what it did."""
    if not report.strip():
        raise TaskError("completing needs a report")
    _move(part, "finish", actor_id=actor_id, now=now, note=report)
    part.report = report.strip()
    part.done_at = now
