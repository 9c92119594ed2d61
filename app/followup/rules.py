"""The follow-up rules (督办): the task state machine, the rating rule, overdue days, unit rates.

Plain functions with no Flask import. The state-changing functions change the task and append a
``TaskUpdate`` to its timeline; the caller records the audit event and commits.

The task state machine, with who may make each move::

    action    from                         to            who
    accept    assigned                     accepted      unit staff (接单)
    decline   assigned                     declined      unit staff, with a reason
    progress  accepted, in_progress        in_progress   unit staff (a dated note, maybe a photo)
    complete  accepted, in_progress        completed     unit staff, with a completion report
    reassign  declined                     assigned      convener (to the same or another unit)
    close     completed                    closed        convener (销号)
    reopen    completed                    in_progress   convener, with a new deadline; round + 1

Assigning (派单) creates the task; only conveners do it.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from zoneinfo import ZoneInfo

from app.models.followup import RATINGS, Task, TaskUpdate

UNIT, CONVENER = "unit", "convener"

#: action → (statuses it may start from, status it leads to, role allowed to do it).
TRANSITIONS: dict[str, tuple[tuple[str, ...], str, str]] = {
    "accept": (("assigned",), "accepted", UNIT),
    "decline": (("assigned",), "declined", UNIT),
    "progress": (("accepted", "in_progress"), "in_progress", UNIT),
    "complete": (("accepted", "in_progress"), "completed", UNIT),
    "reassign": (("declined",), "assigned", CONVENER),
    "close": (("completed",), "closed", CONVENER),
    "reopen": (("completed",), "in_progress", CONVENER),
}

#: Statuses in which a task is no longer running against its deadline.
FINISHED = ("completed", "closed")

#: Satisfied (满意) and basically satisfied (基本满意) both count as "at least 基本满意".
GOOD_ENOUGH = ("satisfied", "basic")

#: The rating rules a body may choose (Body.rating_rule).
RATING_RULES = ("majority_basic", "all_basic")

#: A unit responds in time when it accepts within this many days of the assignment.
RESPONSE_DAYS = 3


class TaskError(ValueError):
    """A move the state machine does not allow; the message says why."""


def allowed_actions(task: Task, role: str) -> list[str]:
    """The actions ``role`` (``"unit"`` or ``"convener"``) may take on ``task`` now."""
    return [
        action
        for action, (sources, _to, who) in TRANSITIONS.items()
        if who == role and task.status in sources
    ]


def _move(task: Task, action: str, role: str, *, actor_id, now: datetime, note: str) -> None:
    sources, to_status, who = TRANSITIONS[action]
    if role != who:
        raise TaskError(f"{action!r} is for the {who}, not the {role}")
    if task.status not in sources:
        raise TaskError(f"a {task.status!r} task cannot be {action!r}ed")
    task.status = to_status
    task.updated_at = now
    kinds = {
        "accept": "accepted",
        "decline": "declined",
        "progress": "note",
        "complete": "completed",
        "reassign": "assigned",
        "close": "closed",
        "reopen": "reopened",
    }
    task.updates.append(
        TaskUpdate(kind=kinds[action], note=note or "", author_id=actor_id, created_at=now)
    )


def accept(task: Task, *, actor_id=None, now: datetime, note: str = "") -> None:
    """The unit accepts the assignment (接单); the time counts for its response rate."""
    _move(task, "accept", UNIT, actor_id=actor_id, now=now, note=note)
    task.accepted_at = now


def decline(task: Task, reason: str, *, actor_id=None, now: datetime) -> None:
    """The unit declines the assignment with a reason, which goes back to the convener."""
    if not reason.strip():
        raise TaskError("a decline needs a reason")
    if task.status not in TRANSITIONS["decline"][0]:
        raise TaskError(f"a {task.status!r} task cannot be declined")
    task.decline_reason = reason.strip()  # set first: the database refuses a reasonless decline
    _move(task, "decline", UNIT, actor_id=actor_id, now=now, note=reason)


def progress(
    task: Task, note: str, *, actor_id=None, now: datetime, photo: tuple[str, str] | None = None
) -> TaskUpdate:
    """The unit reports progress: a dated note, optionally a photo (stored name, content type)."""
    if not note.strip():
        raise TaskError("a progress report needs words")
    _move(task, "progress", UNIT, actor_id=actor_id, now=now, note=note)
    update = task.updates[-1]
    if photo:
        update.photo_path, update.photo_type = photo
    return update


def complete(task: Task, report: str, *, actor_id=None, now: datetime) -> None:
    """The unit reports the task done (办结) with a completion report; rating can begin."""
    if not report.strip():
        raise TaskError("completing needs a report")
    _move(task, "complete", UNIT, actor_id=actor_id, now=now, note=report)
    task.completion_report = report.strip()
    task.completed_at = now


def reassign(
    task: Task, unit_id: int, deadline: date, *, actor_id=None, now: datetime, note: str = ""
) -> None:
    """The convener assigns a declined task again (to the same or another unit)."""
    _move(task, "reassign", CONVENER, actor_id=actor_id, now=now, note=note)
    task.unit_id = unit_id
    task.assignee_id = None
    task.deadline = deadline
    task.assigned_at = now
    task.accepted_at = None
    task.decline_reason = ""


def close(task: Task, *, actor_id=None, now: datetime, note: str = "") -> None:
    """The convener closes (销号) a completed task."""
    _move(task, "close", CONVENER, actor_id=actor_id, now=now, note=note)
    task.closed_at = now


def reopen(
    task: Task, deadline: date, *, actor_id=None, now: datetime, today: date, note: str = ""
) -> None:
    """The convener reopens a completed task with a new deadline; a new rating round starts.

    The new deadline must lie after ``today`` (the community's date), so it is not overdue at
    once.
    """
    if deadline <= today:
        raise TaskError("the new deadline must be after today")
    _move(task, "reopen", CONVENER, actor_id=actor_id, now=now, note=note)
    task.deadline = deadline
    task.round += 1
    task.completed_at = None


# --- ratings (评单) ---------------------------------------------------------------------------


def rating_outcome(values: list[str], rule: str) -> str | None:
    """What the ratings of one round suggest: ``"close"``, ``"reopen"`` or None (no ratings).

    ``majority_basic``: closed when more than half of the ratings are at least 基本满意
    (满意 or 基本满意); otherwise reopened. A tie is not a majority, so it reopens.
    ``all_basic``: closed only when every rating is at least 基本满意.
    """
    if rule not in RATING_RULES:
        raise ValueError(f"unknown rating rule {rule!r}")
    unknown = set(values) - set(RATINGS)
    if unknown:
        raise ValueError(f"unknown rating values {sorted(unknown)}")
    if not values:
        return None
    good = sum(1 for v in values if v in GOOD_ENOUGH)
    passed = good * 2 > len(values) if rule == "majority_basic" else good == len(values)
    return "close" if passed else "reopen"


def rating_counts(values: list[str]) -> dict[str, int]:
    """How many ratings of each value, in the order 满意, 基本满意, 不满意."""
    counts = Counter(values)
    return {value: counts[value] for value in RATINGS}


# --- overdue (逾期) ---------------------------------------------------------------------------


def local_today(now: datetime, tz: str = "Asia/Shanghai") -> date:
    """The community's date at ``now`` (a naive UTC datetime, as the clock gives it)."""
    return now.replace(tzinfo=ZoneInfo("UTC")).astimezone(ZoneInfo(tz)).date()


def overdue_days(task: Task, today: date) -> int:
    """How many days ``task`` is overdue on ``today`` (0 when it is not).

    A task is overdue when its deadline lies before today and it is neither completed nor
    closed: a task due today is not overdue yet; the day after, it is 1 day overdue.
    """
    if task.status in FINISHED or task.deadline >= today:
        return 0
    return (today - task.deadline).days


def overdue_first(tasks: list[Task], today: date) -> list[Task]:
    """Tasks ordered for attention: overdue first, then running by deadline, then finished.

    Among overdue tasks the most overdue comes first.
    """
    return sorted(
        tasks,
        key=lambda t: (-overdue_days(t, today), t.status in FINISHED, t.deadline, t.id or 0),
    )


def due_this_week(task: Task, today: date) -> bool:
    """Whether an unfinished task falls due between today and this Sunday (inclusive)."""
    sunday = today + timedelta(days=6 - today.weekday())
    return task.status not in FINISHED and today <= task.deadline <= sunday


# --- a unit's record (履责信用) -----------------------------------------------------------------


@dataclass(frozen=True)
class UnitRecord:
    """A responsible unit's record over a period; rates are exact fractions (None: no data)."""

    start: date
    end: date
    assigned: int
    accepted_in_time: int
    completed: int
    completed_on_time: int
    ratings: int
    good_ratings: int

    @property
    def response_rate(self) -> Fraction | None:
        """Share of assigned tasks accepted within ``RESPONSE_DAYS`` days (响应率)."""
        return Fraction(self.accepted_in_time, self.assigned) if self.assigned else None

    @property
    def on_time_rate(self) -> Fraction | None:
        """Share of assigned tasks completed by their deadline (按时办结率)."""
        return Fraction(self.completed_on_time, self.assigned) if self.assigned else None

    @property
    def satisfaction_rate(self) -> Fraction | None:
        """Share of ratings that are at least 基本满意 (满意度)."""
        return Fraction(self.good_ratings, self.ratings) if self.ratings else None


def unit_record(
    tasks: list[Task], ratings: list[str], start: date, end: date, tz: str = "Asia/Shanghai"
) -> UnitRecord:
    """Compute a unit's record from its tasks assigned between ``start`` and ``end`` (inclusive).

    - assigned: tasks whose assignment date (community time) falls in the period;
    - accepted in time: of those, accepted at most ``RESPONSE_DAYS`` days after assignment;
    - completed on time: of those, completed (or since closed) on or before the deadline;
    - satisfaction: of ``ratings`` (every rating of those tasks, all rounds), the share of
      满意 and 基本满意.
    """
    mine = [t for t in tasks if start <= local_today(t.assigned_at, tz) <= end]
    in_time = [
        t
        for t in mine
        if t.accepted_at and t.accepted_at - t.assigned_at <= timedelta(days=RESPONSE_DAYS)
    ]
    done = [t for t in mine if t.completed_at is not None]
    on_time = [t for t in done if local_today(t.completed_at, tz) <= t.deadline]
    return UnitRecord(
        start=start,
        end=end,
        assigned=len(mine),
        accepted_in_time=len(in_time),
        completed=len(done),
        completed_on_time=len(on_time),
        ratings=len(ratings),
        good_ratings=sum(1 for v in ratings if v in GOOD_ENOUGH),
    )


def percent(rate: Fraction | None) -> str:
    """A rate as a whole percentage for people ("67%"), or "—" without data."""
    if rate is None:
        return "—"
    return f"{round(rate * 100)}%"
