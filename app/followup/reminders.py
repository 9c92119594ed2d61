"""Reminders, 催办 and 吹哨报到: which notice each running task is due today (plain Python).

A cron job runs ``flask followup remind`` (see app/followup/cli.py) once or more a day; the
rules below make a run idempotent — each notice goes out once per deadline, so running twice,
or after an extension moved the deadline, does the right thing:

- **remind** (到期提醒): the task is not finished, not yet overdue, and its deadline is at most
  ``remind_workdays`` working days away (1 by default: the working day before, and the day
  itself);
- **urge** (催办): the task is overdue by at least one working day;
- **escalate** (吹哨报到): the task is overdue by at least ``escalate_workdays`` working days
  (5 by default): it is proposed as an item on the body's next meeting agenda, naming the unit.

A notice already on the task's timeline for the same deadline is not sent again. A task whose
year the calendar does not know gets no notice (the command names it, never guesses).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from app.followup.workdays import UnknownYear, WorkCalendar
from app.models import AgendaItem, Meeting
from app.models.followup import Task, TaskUpdate, UpdateKind
from app.models.statuses import ItemKind

REMIND, URGE, ESCALATE = "remind", "urge", "escalate"

#: The timeline kind each notice leaves.
KINDS = {REMIND: UpdateKind.REMINDED, URGE: UpdateKind.URGED, ESCALATE: UpdateKind.ESCALATED}


@dataclass(frozen=True)
class Notice:
    """One notice due for one task today."""

    task: Task
    kind: str
    overdue: int


def _sent(task: Task, kind: str) -> bool:
    """Whether this notice already went out for the task's current deadline."""
    deadline = task.deadline.isoformat()
    return any(
        u.kind == KINDS[kind] and (u.details or {}).get("deadline") == deadline
        for u in task.updates
    )


def due_notices(
    task: Task,
    today: date,
    calendar: WorkCalendar,
    *,
    remind_workdays: int = 1,
    escalate_workdays: int = 5,
) -> list[Notice]:
    """The notices ``task`` is due on ``today`` (see the module's rules); ``UnknownYear`` raised."""
    if task.is_finished:
        return []
    notices = []
    if task.deadline >= today:
        if calendar.workdays_between(today, task.deadline) <= remind_workdays and not _sent(
            task, REMIND
        ):
            notices.append(Notice(task, REMIND, 0))
        return notices
    overdue = calendar.overdue_workdays(task.deadline, today)
    if overdue >= 1 and not _sent(task, URGE):
        notices.append(Notice(task, URGE, overdue))
    if overdue >= escalate_workdays and not _sent(task, ESCALATE):
        notices.append(Notice(task, ESCALATE, overdue))
    return notices


def all_due(tasks, today: date, calendar: WorkCalendar) -> tuple[list[Notice], list[int]]:
    """Every notice due today for ``tasks`` (each with its body's settings loaded).

    Returns the notices and the years the calendar did not know (those tasks get none).
    """
    notices, unknown = [], set()
    for task in tasks:
        body = task.resolution.body
        try:
            notices += due_notices(
                task,
                today,
                calendar,
                remind_workdays=body.remind_workdays,
                escalate_workdays=body.escalate_workdays,
            )
        except UnknownYear as error:
            unknown.add(error.year)
    return notices, sorted(unknown)


def escalation_item(notice: Notice, meeting: Meeting, position: int) -> AgendaItem:
    """The agenda item (讨论) proposing an overdue task to the body's next meeting."""
    task = notice.task
    return AgendaItem(
        meeting_id=meeting.id,
        position=position,
        kind=ItemKind.DISCUSSION,
        title=f"吹哨报到：{task.unit.name}逾期{notice.overdue}个工作日"[:120],
        description=(
            f"督办事项“{task.title}”（{task.resolution.number_text}）由{task.unit.name}承办，"
            f"截止 {task.deadline.isoformat()}，已逾期 {notice.overdue} 个工作日，"
            "提请联席会议协调。"
        ),
        presenter=task.unit.name[:64],
    )


def record(notice: Notice, *, now: datetime, meeting: Meeting | None = None) -> None:
    """Leave the notice on the task's timeline (with the deadline it was for)."""
    details = {"deadline": notice.task.deadline.isoformat(), "overdue": notice.overdue}
    if meeting is not None:
        details["meeting_id"] = meeting.id
    notice.task.updates.append(
        TaskUpdate(kind=KINDS[notice.kind], created_at=now, details=details, note="")
    )
    if notice.kind == REMIND:
        notice.task.reminded_at = now
    elif notice.kind == URGE:
        notice.task.urged_at = now
    else:
        notice.task.escalated_at = now
