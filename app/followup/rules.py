"""The follow-up rules (督办): the task state machine, the rating rule, overdue days, unit rates.

Plain functions with no Flask import. The state-changing functions change the task and append a
``TaskUpdate`` to its timeline; the caller records the audit event and commits.

The task state machine, with who may make each move::

    action    from                         to            who
    accept    assigned                     accepted      unit staff (签收; late when after the
                                                         body's ``sign_hours``, recorded)
    decline   assigned                     declined      unit staff, with a reason (回退)
    contact   accepted, in_progress        (unchanged)   unit staff: when and how it contacted
                                                         the resident (联系诉求人)
    progress  accepted, in_progress        in_progress   unit staff (a dated note, maybe a photo)
    extend    accepted, in_progress        (unchanged)   unit staff asks for a later deadline
                                                         with a reason (延期申请)
    grant     (a pending extension)        (unchanged)   convener: the deadline moves, the old
                                                         one stays in the history
    refuse    (a pending extension)        (unchanged)   convener, with a reason
    complete  accepted, in_progress        completed     unit staff, with a completion report;
                                                         a task from a resident's topic must
                                                         have contacted the resident first,
                                                         and every co-unit's part (协办, see
                                                         parts.py) must be 完成
    reassign  declined                     assigned      convener (改派, same or another unit)
    close     completed                    closed        convener (销号)
    reopen    completed                    in_progress   convener, with a new deadline; round + 1
    exclude   any                          (unchanged)   convener, with a public reason (核减)

Assigning (派单) creates the task; only conveners do it. The return visit (回访, 评单) is open
while a task is completed: once per rater and round; an unsatisfied answer (差评: 不满意 or
非常不满意) reopens the task at once for 整改 with a new round and the body's deadline.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.clock import local_date
from app.followup import rates
from app.followup.workdays import PACKAGE_ONLY, WorkCalendar
from app.models import Rating, Resolution, UnitStaff
from app.models.followup import FINISHED as FINISHED  # re-exported: app/accounts reads it here
from app.models.followup import Task, TaskExtension, TaskRole, TaskUpdate, UpdateKind
from app.models.statuses import (
    ContactMethod,
    ExtensionStatus,
    RatingValue,
    TaskStatus,
    VisitChannel,
)

UNIT, CONVENER = TaskRole.UNIT, TaskRole.CONVENER

ASSIGNED, ACCEPTED, DECLINED = TaskStatus.ASSIGNED, TaskStatus.ACCEPTED, TaskStatus.DECLINED
IN_PROGRESS, COMPLETED, CLOSED = TaskStatus.IN_PROGRESS, TaskStatus.COMPLETED, TaskStatus.CLOSED

#: action → (statuses it may start from, status it leads to (None: stays), role allowed to do it).
TRANSITIONS: dict[str, tuple[tuple[TaskStatus, ...], TaskStatus | None, TaskRole]] = {
    "accept": ((ASSIGNED,), ACCEPTED, UNIT),
    "decline": ((ASSIGNED,), DECLINED, UNIT),
    "progress": ((ACCEPTED, IN_PROGRESS), IN_PROGRESS, UNIT),
    "complete": ((ACCEPTED, IN_PROGRESS), COMPLETED, UNIT),
    "reassign": ((DECLINED,), ASSIGNED, CONVENER),
    "close": ((COMPLETED,), CLOSED, CONVENER),
    "reopen": ((COMPLETED,), IN_PROGRESS, CONVENER),
    "contact": ((ACCEPTED, IN_PROGRESS), None, UNIT),
    "extend": ((ACCEPTED, IN_PROGRESS), None, UNIT),
    "grant": ((ACCEPTED, IN_PROGRESS), None, CONVENER),
    "refuse": ((ACCEPTED, IN_PROGRESS), None, CONVENER),
    "exclude": (tuple(TaskStatus), None, CONVENER),
}

#: action → the kind of step it leaves on the task's timeline.
UPDATE_KINDS = {
    "accept": UpdateKind.ACCEPTED,
    "decline": UpdateKind.DECLINED,
    "progress": UpdateKind.NOTE,
    "complete": UpdateKind.COMPLETED,
    "reassign": UpdateKind.ASSIGNED,
    "close": UpdateKind.CLOSED,
    "reopen": UpdateKind.REOPENED,
    "contact": UpdateKind.CONTACTED,
    "extend": UpdateKind.EXTENSION_ASKED,
    "grant": UpdateKind.EXTENSION_GRANTED,
    "refuse": UpdateKind.EXTENSION_REFUSED,
    "exclude": UpdateKind.EXCLUDED,
}

#: 非常满意, 满意 and 基本满意 all count as "at least 基本满意".
GOOD_ENOUGH = (RatingValue.VERY_SATISFIED, RatingValue.SATISFIED, RatingValue.BASIC)

#: 差评: an answer that starts 整改 (the task reopens with a new round).
BAD = (RatingValue.UNSATISFIED, RatingValue.VERY_UNSATISFIED)

#: The rating rules a body may choose (Body.rating_rule).
MAJORITY_BASIC, ALL_BASIC = "majority_basic", "all_basic"
RATING_RULES = (MAJORITY_BASIC, ALL_BASIC)

#: A unit responds in time when it accepts within this many days of the assignment.
RESPONSE_DAYS = 3

#: The community's time zone unless the caller says otherwise (the app's default).
DEFAULT_TZ = "Asia/Shanghai"


class TaskError(ValueError):
    """A move the state machine does not allow; the message says why."""


class PartsWaiting(TaskError):
    """主办 cannot report 办结: these co-units' parts (协办) are not 完成 yet."""

    def __init__(self, units: list[str]):
        super().__init__("co-units have not finished their parts")
        self.units = units


class AssigneeError(TaskError):
    """The chosen person in charge does not work for the chosen unit."""


def assign(
    session: Session,
    resolution: Resolution,
    *,
    unit_id: int,
    title: str,
    done_definition: str,
    deadline: date,
    now: datetime,
    assignee_id: int | None = None,
    description: str = "",
) -> Task:
    """Break ``resolution`` into a new task for a unit (派单), with an optional person in charge.

    The person in charge, when named, must be on the unit's staff (else ``AssigneeError``). The
    task starts ``assigned``, its clock (for the response rate) at ``now``.
    """
    if assignee_id and session.get(UnitStaff, (unit_id, assignee_id)) is None:
        raise AssigneeError("the person in charge does not work for this unit")
    task = Task(
        resolution=resolution,
        unit_id=unit_id,
        assignee_id=assignee_id or None,
        title=title.strip(),
        description=description or "",
        done_definition=done_definition.strip(),
        deadline=deadline,
        first_deadline=deadline,
        status=ASSIGNED,
        assigned_at=now,
    )
    session.add(task)
    return task


def status_counts(tasks: list[Task]) -> dict[TaskStatus, int]:
    """How many of ``tasks`` are in each status, every status listed (0 when none)."""
    counts = Counter(t.status for t in tasks)
    return {status: counts[status] for status in TaskStatus}


def pending_extension(task: Task) -> TaskExtension | None:
    """The extension request waiting for the convener's answer, if any (at most one)."""
    return next((e for e in task.extensions if e.status == ExtensionStatus.PENDING), None)


def allowed_actions(task: Task, role: str) -> list[str]:
    """The actions ``role`` (``"unit"`` or ``"convener"``) may take on ``task`` now.

    A unit may ask for one extension at a time; the convener answers only a pending one.
    """
    waiting = pending_extension(task) is not None
    blocked = {"extend"} if waiting else {"grant", "refuse"}
    return [
        action
        for action, (sources, _to, who) in TRANSITIONS.items()
        if who == role and task.status in sources and action not in blocked
    ]


def _move(
    task: Task,
    action: str,
    role: str,
    *,
    actor_id,
    now: datetime,
    note: str,
    deadline: date | None = None,
    details=None,
) -> TaskUpdate:
    """Move the task along ``TRANSITIONS`` and add the step to its history.

    A step that sets a new deadline (重新派单, 重新办理) keeps it in its history line, so each
    round's deadline stays readable after the next one replaces it on the task.
    """
    sources, to_status, who = TRANSITIONS[action]
    if role != who:
        raise TaskError(f"{action!r} is for the {who}, not the {role}")
    if task.status not in sources:
        raise TaskError(f"a {task.status!r} task cannot be {action!r}ed")
    if to_status is not None:
        task.status = to_status
    task.updated_at = now
    update = TaskUpdate(
        kind=UPDATE_KINDS[action],
        note=note or "",
        author_id=actor_id,
        created_at=now,
        deadline=deadline,
        details=details,
    )
    task.updates.append(update)
    return update


def _deadline_moved(before: date, after: date) -> dict[str, str]:
    """The history's record of a deadline that moves: both dates are kept."""
    return {"deadline_from": before.isoformat(), "deadline_to": after.isoformat()}


def original_deadline(task: Task) -> date:
    """The deadline the task was first given: the earliest one its timeline moved away from."""
    moved = [
        date.fromisoformat(u.details["deadline_from"])
        for u in task.updates
        if u.details and u.details.get("deadline_from")
    ]
    return moved[0] if moved else task.deadline


def is_sign_late(assigned_at: datetime, signed_at: datetime, sign_hours: int) -> bool:
    """签收 is late when it comes more than ``sign_hours`` hours after the assignment (派单)."""
    return signed_at - assigned_at > timedelta(hours=sign_hours)


def accept(
    task: Task, *, actor_id=None, now: datetime, note: str = "", sign_hours: int = 24
) -> None:
    """The unit acknowledges the assignment (签收); a late acknowledgement is recorded as late.

    Late means more than ``sign_hours`` (the body's limit, 24 by default) after 派单.
    """
    late = is_sign_late(task.assigned_at, now, sign_hours)
    _move(task, "accept", UNIT, actor_id=actor_id, now=now, note=note, details={"late": late})
    task.accepted_at = now
    task.signed_late = late


def needs_contact(task: Task) -> bool:
    """Whether the task came from a resident's topic, so the unit must 联系诉求人 before 办结."""
    return task.resolution is not None and bool(task.resolution.topics)


def contact(
    task: Task, method: str, note: str, *, contacted_at: datetime, actor_id=None, now: datetime
) -> None:
    """The unit records when and how it contacted the resident who raised it (联系诉求人).

    ``contacted_at`` may not lie in the future nor before the task was assigned.
    """
    if method not in tuple(ContactMethod):
        raise TaskError(f"unknown contact method {method!r}")
    # people type the time to the minute: the minute of the assignment itself is fine
    if contacted_at > now or contacted_at < task.assigned_at.replace(second=0, microsecond=0):
        raise TaskError("the contact must lie between the assignment and now")
    _move(
        task,
        "contact",
        UNIT,
        actor_id=actor_id,
        now=now,
        note=note,
        details={"method": method, "at": contacted_at.isoformat(timespec="minutes")},
    )
    task.contacted_at = contacted_at
    task.contact_method = method


def ask_extension(
    task: Task, deadline: date, reason: str, *, actor_id=None, now: datetime
) -> TaskExtension:
    """The unit asks for a later deadline with a reason (延期申请); one request waits at a time."""
    if not reason.strip():
        raise TaskError("an extension needs a reason")
    if deadline <= task.deadline:
        raise TaskError("the new deadline must be after the current one")
    if "extend" not in allowed_actions(task, UNIT):
        raise TaskError("an extension cannot be asked now")
    _move(
        task,
        "extend",
        UNIT,
        actor_id=actor_id,
        now=now,
        note=reason,
        details=_deadline_moved(task.deadline, deadline),
    )
    extension = TaskExtension(
        reason=reason.strip(),
        original_deadline=task.deadline,
        requested_deadline=deadline,
        requested_by_id=actor_id,
        requested_at=now,
        status=ExtensionStatus.PENDING,
    )
    task.extensions.append(extension)
    return extension


def answer_extension(
    task: Task, grant: bool, answer: str = "", *, actor_id=None, now: datetime
) -> TaskExtension:
    """The convener grants (the deadline moves) or refuses (with a reason) the pending request.

    The original deadline stays on the request and on the task's timeline either way.
    """
    extension = pending_extension(task)
    if extension is None:
        raise TaskError("no extension is waiting")
    if not grant and not answer.strip():
        raise TaskError("a refusal needs a reason")
    details = _deadline_moved(extension.original_deadline, extension.requested_deadline)
    _move(
        task,
        "grant" if grant else "refuse",
        CONVENER,
        actor_id=actor_id,
        now=now,
        note=answer,
        details=details,
    )
    extension.status = ExtensionStatus.GRANTED if grant else ExtensionStatus.REFUSED
    extension.answer = answer.strip()
    extension.decided_by_id = actor_id
    extension.decided_at = now
    if grant:
        task.deadline = extension.requested_deadline
    return extension


def exclude(task: Task, reason: str, *, actor_id=None, now: datetime) -> None:
    """The convener excludes an unreasonable request from the rates (核减), with a public reason."""
    if not reason.strip():
        raise TaskError("核减 needs a public reason")
    _move(task, "exclude", CONVENER, actor_id=actor_id, now=now, note=reason)
    task.excluded_reason = reason.strip()


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
    if needs_contact(task) and task.contacted_at is None:
        raise TaskError("contact the resident (联系诉求人) before completing")
    if waiting := waiting_parts(task):
        raise PartsWaiting([part.unit.name for part in waiting])
    _move(task, "complete", UNIT, actor_id=actor_id, now=now, note=report)
    task.completion_report = report.strip()
    task.completed_at = now


def waiting_parts(task: Task) -> list:
    """The co-units' parts (协办) not 完成 yet: while any waits, the lead unit cannot 办结."""
    return [part for part in task.parts if not part.is_finished]


def reassign(
    task: Task, unit_id: int, deadline: date, *, actor_id=None, now: datetime, note: str = ""
) -> None:
    """The convener assigns a declined task again (改派, to the same or another unit).

    A unit that holds a part of the task (协办) cannot become its lead: remove its part first.
    """
    if any(part.unit_id == unit_id for part in task.parts):
        raise TaskError("this unit already has a part")
    details = {**_deadline_moved(task.deadline, deadline), "unit_from": task.unit_id}
    details["unit_to"] = unit_id
    _move(
        task,
        "reassign",
        CONVENER,
        actor_id=actor_id,
        now=now,
        note=note,
        deadline=deadline,
        details=details,
    )
    task.unit_id = unit_id
    task.assignee_id = None
    task.deadline = deadline
    task.assigned_at = now
    task.accepted_at = None
    task.signed_late = False
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
    details = {**_deadline_moved(task.deadline, deadline), "round": task.round + 1}
    _move(
        task,
        "reopen",
        CONVENER,
        actor_id=actor_id,
        now=now,
        note=note,
        deadline=deadline,
        details=details,
    )
    task.deadline = deadline
    task.round += 1
    task.completed_at = None


# --- ratings (评单) ---------------------------------------------------------------------------


def rate(
    session: Session,
    task: Task,
    value: str,
    comment: str = "",
    *,
    now: datetime,
    user_id: int | None = None,
    topic_id: int | None = None,
    contacted: bool | None = None,
    solved: bool | None = None,
    channel: str = VisitChannel.MEMBER,
    recorded_by_id: int | None = None,
    rectify_deadline: date | None = None,
) -> Rating | None:
    """Store one return visit (回访) of ``task``'s current round by a member or a resident.

    A rater answers once per round: a second visit by the same rater is not stored (None). The
    database's UNIQUE constraints decide, so two tabs submitting at once still count once.
    An unsatisfied answer (差评) with a ``rectify_deadline`` reopens the task for 整改 at once:
    a new round, the deadline the body gives for it, the visit on the timeline.
    """
    if not task.awaits_rating:
        raise TaskError(f"a {task.status!r} task is not being rated")
    if value not in tuple(RatingValue):
        raise ValueError(f"unknown rating value {value!r}")
    rating = Rating(
        task_id=task.id,
        round=task.round,
        value=value,
        comment=comment.strip(),
        created_at=now,
        user_id=user_id,
        topic_id=topic_id,
        contacted=contacted,
        solved=solved,
        channel=channel,
        recorded_by_id=recorded_by_id,
    )
    try:
        with session.begin_nested():
            session.add(rating)
    except IntegrityError:
        return None
    task.updates.append(
        TaskUpdate(
            kind=UpdateKind.VISITED,
            author_id=recorded_by_id or user_id,
            created_at=now,
            details={"value": value, "contacted": contacted, "solved": solved, "round": task.round},
        )
    )
    if value in BAD and rectify_deadline is not None:
        rectify(task, rectify_deadline, now=now)
    return rating


def rectify(task: Task, deadline: date, *, now: datetime) -> None:
    """整改 after a 差评: the task goes back to 办理中 with a new round and ``deadline``."""
    details = {**_deadline_moved(task.deadline, deadline), "round": task.round + 1}
    task.updates.append(
        TaskUpdate(kind=UpdateKind.REOPENED, created_at=now, details=details, note="")
    )
    task.status = IN_PROGRESS
    task.deadline = deadline
    task.round += 1
    task.completed_at = None
    task.updated_at = now


def rating_outcome(values: list[str], rule: str) -> str | None:
    """What the ratings of one round suggest: ``"close"``, ``"reopen"`` or None (no ratings).

    ``majority_basic``: closed when more than half of the ratings are at least 基本满意
    (满意 or 基本满意); otherwise reopened. A tie is not a majority, so it reopens.
    ``all_basic``: closed only when every rating is at least 基本满意.
    """
    if rule not in RATING_RULES:
        raise ValueError(f"unknown rating rule {rule!r}")
    unknown = set(values) - set(RatingValue)
    if unknown:
        raise ValueError(f"unknown rating values {sorted(unknown)}")
    if not values:
        return None
    good = sum(1 for v in values if v in GOOD_ENOUGH)
    passed = good * 2 > len(values) if rule == MAJORITY_BASIC else good == len(values)
    return "close" if passed else "reopen"


def rating_counts(values: list[str]) -> dict[str, int]:
    """How many ratings of each value, in the order of the five-level scale (best first)."""
    counts = Counter(values)
    return {value: counts[value] for value in RatingValue}


def round_rating_counts(tasks: list[Task], ratings: list[Rating]) -> dict[int, dict[str, int]]:
    """For each task (by id), how many ratings of each value its current round has."""
    return {
        task.id: rating_counts(
            [r.value for r in ratings if r.task_id == task.id and r.round == task.round]
        )
        for task in tasks
    }


# --- overdue (逾期) ---------------------------------------------------------------------------


def is_overdue(task: Task, today: date) -> bool:
    """Overdue: its deadline lies before today and it is neither completed nor closed."""
    return not task.is_finished and task.deadline < today


def overdue_days(task: Task, today: date, calendar: WorkCalendar = PACKAGE_ONLY) -> int:
    """How many working days ``task`` is overdue on ``today`` (0 when it is not).

    A task due today is not overdue yet; counting runs over the working days after the
    deadline up to today, so a task due on the Friday before 国庆 is still 0 working days late
    on 1–7 October. ``UnknownYear`` when a year on the way is not known.
    """
    if not is_overdue(task, today):
        return 0
    return calendar.overdue_workdays(task.deadline, today)


def overdue_first(tasks: list[Task], today: date) -> list[Task]:
    """Tasks ordered for attention: overdue first, then running by deadline, then finished.

    Among overdue tasks the most overdue comes first.
    """
    return sorted(
        tasks,
        key=lambda t: (
            not is_overdue(t, today),
            t.is_finished,
            t.deadline,
            t.id or 0,
        ),
    )


def due_this_week(task: Task, today: date) -> bool:
    """Whether an unfinished task falls due between today and this Sunday (inclusive)."""
    sunday = today + timedelta(days=6 - today.weekday())
    return not task.is_finished and today <= task.deadline <= sunday


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


def assigned_within(tasks: list[Task], start: date, end: date, tz: str = DEFAULT_TZ) -> list[Task]:
    """The tasks assigned between ``start`` and ``end`` (inclusive), by the community's date."""
    return [t for t in tasks if start <= local_date(t.assigned_at, tz) <= end]


def unit_record(
    tasks: list[Task], ratings: list[str], start: date, end: date, tz: str = DEFAULT_TZ
) -> UnitRecord:
    """Compute a unit's record from its tasks assigned between ``start`` and ``end`` (inclusive).

    - assigned: tasks whose assignment date (community time) falls in the period;
    - accepted in time: of those, accepted at most ``RESPONSE_DAYS`` days after assignment;
    - completed on time: of those, completed (or since closed) on or before the deadline;
    - satisfaction: of ``ratings`` (every rating of those tasks, all rounds), the share of
      满意 and 基本满意.
    """
    mine = assigned_within(tasks, start, end, tz)
    in_time = [
        t
        for t in mine
        if t.accepted_at and t.accepted_at - t.assigned_at <= timedelta(days=RESPONSE_DAYS)
    ]
    done = [t for t in mine if t.completed_at is not None]
    on_time = [t for t in done if local_date(t.completed_at, tz) <= t.deadline]
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


SETTINGS = (
    "notice_days",
    "sign_hours",
    "rectify_workdays",
    "remind_workdays",
    "escalate_workdays",
)


def followup_settings(body) -> dict:
    """The body's follow-up settings as the audit log keeps them."""
    return {
        **{name: getattr(body, name) for name in SETTINGS},
        "rate_definitions": body.rate_definitions,
    }


def change_followup_settings(body, *, rate_definitions: dict, **limits: int) -> None:
    """Save the limits (公示 days, 签收 hours, 整改/提醒/吹哨 working days) and rate definitions.

    The definitions are checked by ``rates.Definitions.parse`` (``ValueError`` when wrong).
    """
    rates.Definitions.parse(rate_definitions)
    for name in SETTINGS:
        setattr(body, name, limits[name])
    body.rate_definitions = rate_definitions


def rate_inputs(tasks: list[Task], ratings: list[Rating]) -> tuple[list, list]:
    """The plain facts app/followup/rates.py counts, from tasks and their return visits."""
    facts = [
        rates.TaskFacts(
            id=t.id,
            status=t.status,
            assigned_at=t.assigned_at,
            accepted_at=t.accepted_at,
            signed_late=t.signed_late,
            excluded=t.is_excluded,
        )
        for t in tasks
    ]
    visits = [rates.Visit(task_id=r.task_id, value=r.value, solved=r.solved) for r in ratings]
    return facts, visits


def units_ranking(
    tasks: list[Task],
    ratings: list[Rating],
    definitions: rates.Definitions,
    *,
    now: datetime,
    sign_hours: int,
):
    """Each unit's rates from these tasks and visits, ranked by 综合 (see ``rates.rank``)."""
    by_unit: dict[int, list[Task]] = {}
    for task in tasks:
        by_unit.setdefault(task.unit_id, []).append(task)
    rows = []
    for unit_tasks in by_unit.values():
        ids = {t.id for t in unit_tasks}
        facts, visits = rate_inputs(unit_tasks, [r for r in ratings if r.task_id in ids])
        result = rates.unit_rates(facts, visits, definitions, now=now, sign_hours=sign_hours)
        rows.append((unit_tasks[0].unit.name, result, unit_tasks[0].unit))
    return [(place, unit, result) for place, _name, result, unit in rates.rank(rows)]


def percent(rate: Fraction | None) -> str:
    """A rate as a whole percentage for people ("67%"), or "—" without data."""
    if rate is None:
        return "—"
    return f"{round(rate * 100)}%"


def roles_seeing(task: Task, roles: set) -> set:
    """Which of ``roles`` see ``task``: only the conveners while its resolution is a draft.

    A task on a draft resolution is the convener's preparation: units, members and the public
    see it only once the resolution is published (公示).
    """
    if task.is_public:
        return set(roles)
    return {role for role in roles if role == TaskRole.CONVENER}
