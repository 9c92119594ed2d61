"""A person's follow-up inbox: what waits for them now (plain SQLAlchemy on a session, no Flask).

Computed from the tasks' states, never stored, so it is never stale: a task leaves the inbox the
moment it is acknowledged, rated or closed.

- **待我签收** (to acknowledge): assigned tasks of the units the person works for, and tasks
  where such a unit's part (协办) is assigned;
- **待我处理** (to handle): the units' acknowledged or in-progress tasks and parts; for a
  convener, the body's tasks handed back (to re-assign), completed (to close), with a pending
  extension, or with a co-unit's part handed back;
- **待我评价** (to rate): completed tasks of the bodies where the person holds a seat, not yet
  rated by them this round;
- **催办** (urged): the units' tasks past their deadline (not those handed back).

Only tasks of published resolutions count.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Constituency,
    Convener,
    Rating,
    Resolution,
    Seat,
    Task,
    TaskExtension,
    TaskPart,
    UnitStaff,
    User,
)
from app.models.statuses import ExtensionStatus, PartStatus, ResolutionStatus, TaskStatus

KINDS = ("sign", "handle", "rate", "urged")


@dataclass
class Inbox:
    """The four lists of a person's inbox, each of tasks, oldest deadline first."""

    sign: list[Task] = field(default_factory=list)
    handle: list[Task] = field(default_factory=list)
    rate: list[Task] = field(default_factory=list)
    urged: list[Task] = field(default_factory=list)

    @property
    def count(self) -> int:
        """How many entries wait (a task may wait in two lists, e.g. handle and urged)."""
        return len(self.sign) + len(self.handle) + len(self.rate) + len(self.urged)


def _conditions(user_id: int, today: date) -> dict[str, sa.ColumnElement[bool]]:
    """The SQL condition of each list on ``Task`` (joined to its resolution)."""
    my_units = sa.select(UnitStaff.unit_id).where(UnitStaff.user_id == user_id)
    my_bodies = sa.select(Convener.body_id).where(Convener.user_id == user_id)
    seat_bodies = sa.select(Constituency.body_id).join(Seat).where(Seat.holder_id == user_id)
    rated = sa.exists().where(
        Rating.task_id == Task.id, Rating.round == Task.round, Rating.user_id == user_id
    )
    pending = sa.exists().where(
        TaskExtension.task_id == Task.id, TaskExtension.status == ExtensionStatus.PENDING
    )
    running = (TaskStatus.ACCEPTED, TaskStatus.IN_PROGRESS)
    unfinished_task = Task.status.not_in((TaskStatus.COMPLETED, TaskStatus.CLOSED))

    def my_part(*statuses: PartStatus) -> sa.ColumnElement[bool]:
        return sa.exists().where(
            TaskPart.task_id == Task.id,
            TaskPart.unit_id.in_(my_units),
            TaskPart.status.in_(statuses),
        )

    part_declined = sa.exists().where(
        TaskPart.task_id == Task.id, TaskPart.status == PartStatus.DECLINED
    )
    return {
        "sign": sa.or_(
            sa.and_(Task.unit_id.in_(my_units), Task.status == TaskStatus.ASSIGNED),
            sa.and_(unfinished_task, my_part(PartStatus.ASSIGNED)),
        ),
        "handle": sa.or_(
            sa.and_(Task.unit_id.in_(my_units), Task.status.in_(running)),
            sa.and_(unfinished_task, my_part(PartStatus.ACCEPTED, PartStatus.IN_PROGRESS)),
            sa.and_(
                Resolution.body_id.in_(my_bodies),
                sa.or_(
                    Task.status.in_((TaskStatus.DECLINED, TaskStatus.COMPLETED)),
                    pending,
                    sa.and_(unfinished_task, part_declined),
                ),
            ),
        ),
        "rate": sa.and_(
            Resolution.body_id.in_(seat_bodies), Task.status == TaskStatus.COMPLETED, ~rated
        ),
        "urged": sa.and_(
            Task.unit_id.in_(my_units),
            Task.status.in_((TaskStatus.ASSIGNED, *running)),
            Task.deadline < today,
        ),
    }


def _published() -> sa.Select:
    return sa.select(Task).join(Resolution).where(Resolution.status == ResolutionStatus.PUBLISHED)


def inbox(session: Session, user: User, today: date) -> Inbox:
    """The person's four lists (see the module's rules)."""
    result = Inbox()
    for kind, condition in _conditions(user.id, today).items():
        tasks = session.scalars(
            _published()
            .where(condition)
            .options(selectinload(Task.unit), selectinload(Task.resolution))
            .order_by(Task.deadline, Task.id)
        ).all()
        setattr(result, kind, list(tasks))
    return result


def inbox_count(session: Session, user: User, today: date) -> int:
    """How many entries wait for the person, in one statement (for the page header)."""
    counts = [
        sa.select(sa.func.count(Task.id))
        .join(Resolution)
        .where(Resolution.status == ResolutionStatus.PUBLISHED, condition)
        .scalar_subquery()
        for condition in _conditions(user.id, today).values()
    ]
    return sum(session.execute(sa.select(*counts)).one())
