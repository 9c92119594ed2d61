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


@dataclass(frozen=True)
class Roles:
    """Which parts of the inbox can hold anything for a person at all."""

    #: Works for at least one responsible unit (签收, 处理, 催办 of its tasks and parts).
    unit_staff: bool
    #: Convenes at least one body (its tasks handed back, completed or with an extension asked).
    convener: bool
    #: Holds at least one seat (待我评价 of the bodies they sit in).
    seated: bool


def roles_of(session: Session, user_id: int) -> Roles:
    """The person's roles, from one query of three indexed lookups."""
    row = session.execute(
        sa.select(
            sa.exists().where(UnitStaff.user_id == user_id),
            sa.exists().where(Convener.user_id == user_id),
            sa.exists().where(Seat.holder_id == user_id),
        )
    ).one()
    return Roles(*map(bool, row))


def _conditions(user_id: int, today: date, roles: Roles) -> dict[str, sa.ColumnElement[bool]]:
    """The SQL condition of each list on ``Task`` (joined to its resolution), for ``roles``.

    Only the branches of the person's roles are stated: an OR with a branch that can match
    nothing (a convener's, for a member who convenes nothing) still made PostgreSQL look at
    every task, a quarter of a second per page on a board of 300,000 tasks.
    """
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
    sign, handle = [], []
    if roles.unit_staff:
        sign += [
            sa.and_(Task.unit_id.in_(my_units), Task.status == TaskStatus.ASSIGNED),
            sa.and_(unfinished_task, my_part(PartStatus.ASSIGNED)),
        ]
        handle += [
            sa.and_(Task.unit_id.in_(my_units), Task.status.in_(running)),
            sa.and_(unfinished_task, my_part(PartStatus.ACCEPTED, PartStatus.IN_PROGRESS)),
        ]
    if roles.convener:
        handle.append(
            sa.and_(
                Resolution.body_id.in_(my_bodies),
                sa.or_(
                    Task.status.in_((TaskStatus.DECLINED, TaskStatus.COMPLETED)),
                    pending,
                    sa.and_(unfinished_task, part_declined),
                ),
            )
        )
    conditions = {"sign": sign, "handle": handle, "rate": [], "urged": []}
    if roles.seated:
        conditions["rate"] = [
            sa.and_(
                Resolution.body_id.in_(seat_bodies), Task.status == TaskStatus.COMPLETED, ~rated
            )
        ]
    if roles.unit_staff:
        conditions["urged"] = [
            sa.and_(
                Task.unit_id.in_(my_units),
                Task.status.in_((TaskStatus.ASSIGNED, *running)),
                Task.deadline < today,
            )
        ]
    return {kind: sa.or_(*branches) for kind, branches in conditions.items() if branches}


def _published() -> sa.Select:
    return sa.select(Task).join(Resolution).where(Resolution.status == ResolutionStatus.PUBLISHED)


def inbox(session: Session, user: User, today: date) -> Inbox:
    """The person's four lists (see the module's rules)."""
    result = Inbox()
    for kind, condition in _conditions(user.id, today, roles_of(session, user.id)).items():
        tasks = session.scalars(
            _published()
            .where(condition)
            .options(selectinload(Task.unit), selectinload(Task.resolution))
            .order_by(Task.deadline, Task.id)
        ).all()
        setattr(result, kind, list(tasks))
    return result


def inbox_count(session: Session, user: User, today: date) -> int:
    """How many entries wait for the person, for the page header.

    Two statements: the person's roles, then one count per list they can have anything in
    (none at all for someone with no role).
    """
    conditions = _conditions(user.id, today, roles_of(session, user.id))
    if not conditions:
        return 0
    counts = [
        sa.select(sa.func.count(Task.id))
        .join(Resolution)
        .where(Resolution.status == ResolutionStatus.PUBLISHED, condition)
        .scalar_subquery()
        for condition in conditions.values()
    ]
    return sum(session.execute(sa.select(*counts)).one())
