"""The rules of the three lists, batches and pledges. Plain functions with no Flask import.

- A need comes from an accepted topic (once per topic) or is entered directly.
- A resource is offered by a unit, a merchant or a resident: a kind, a positive quantity in a
  unit (元 for money), conditions and a contact; public only when its owner allows.
- A project binds one need of the body to pledged resources, with a budget, a lead unit, a
  plan and a deadline. Pledges are promised amounts; what arrives is recorded as delivered,
  never more than was pledged.
- Batches are numbered 第一批、第二批… per body. An open batch takes proposed projects; it is
  put to the vote as a motion on a decision item of a meeting in session, like any motion.
  When that motion is closed the batch is decided from its frozen result: passed → every project
  approved and made a numbered draft resolution with one follow-up task for its lead unit (so
  deadlines, ratings and 销号 apply); failed or cancelled → the batch and its projects rejected.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.followup import rules as followup_rules
from app.followup.numbering import insert_numbered
from app.models import AgendaItem, Batch, Body, Need, Pledge, Project, Resolution, Resource, Topic
from app.models.statuses import (
    BatchStatus,
    ItemKind,
    MotionKind,
    MotionStatus,
    ProjectStatus,
    ResourceKind,
    TopicStatus,
)
from app.topics import rules as topic_rules
from app.voting import rules as voting_rules

#: Topics that may become needs: accepted by the convener, on an agenda, or decided.
NEED_TOPIC_STATUSES = (TopicStatus.ACCEPTED, TopicStatus.ON_AGENDA, TopicStatus.DECIDED)
YUAN = "元"
ATTEMPTS = 60


class ListsError(ValueError):
    """A step of the lists that is not allowed; the message says why."""


def need_from_topic(session: Session, topic: Topic, *, actor_id=None) -> Need:
    """Put an accepted topic on the needs list, once."""
    if topic.status not in NEED_TOPIC_STATUSES:
        raise ListsError("only an accepted topic becomes a need")
    if session.scalar(sa.select(Need.id).where(Need.topic_id == topic.id)):
        raise ListsError("this topic is already on the needs list")
    need = Need(
        body_id=topic.body_id,
        topic_id=topic.id,
        title=topic.title[:160],
        description=topic.description,
        category=topic.category or "",
        created_by_id=actor_id,
    )
    try:
        with session.begin_nested():  # UNIQUE(topic_id): a concurrent twin is refused here
            session.add(need)
            session.flush()
    except IntegrityError:
        raise ListsError("this topic is already on the needs list") from None
    return need


def unit_for(kind: str, unit: str) -> str:
    """Money is always counted in yuan; other kinds keep the unit given."""
    return YUAN if kind == ResourceKind.FUNDS else unit.strip()


def pledge(
    session: Session,
    project: Project,
    *,
    pledger: str,
    kind: str,
    amount: Decimal,
    unit: str,
    resource: Resource | None = None,
) -> Pledge:
    """Pledge a resource (认捐) to a project: a positive amount in its unit (元 for money)."""
    if project.status == ProjectStatus.REJECTED:
        raise ListsError("a rejected project takes no pledges")
    if resource is not None and resource.body_id != project.body_id:
        raise ListsError("the resource is offered to another body")
    if Decimal(amount) <= 0:
        raise ListsError("a pledge is more than 0")
    item = Pledge(
        project=project,
        resource=resource,
        pledger=pledger.strip(),
        kind=kind,
        amount=Decimal(amount),
        unit=unit_for(kind, unit),
    )
    session.add(item)
    session.flush()
    return item


def deliver(item: Pledge, delivered: Decimal) -> Decimal:
    """Record how much of a pledge has arrived (落地) so far; never more than was pledged."""
    delivered = Decimal(delivered)
    if delivered < 0 or delivered > item.amount:
        raise ListsError("delivered is between 0 and the pledged amount")
    before = item.delivered
    item.delivered = delivered
    return before


def next_batch_number(session: Session, body_id: int) -> int:
    """The body's next batch number: 1 for 第一批, then one more than the largest."""
    largest = session.scalar(sa.select(sa.func.max(Batch.number)).where(Batch.body_id == body_id))
    return (largest or 0) + 1


def new_batch(session: Session, body: Body, title: str = "") -> Batch:
    """Open the body's next batch.

    Two conveners opening a batch at once may read the same largest number; UNIQUE(body_id,
    number) lets one in, and the other (in a savepoint) reads again and takes the next.
    """
    for _ in range(ATTEMPTS):
        batch = Batch(
            body_id=body.id, number=next_batch_number(session, body.id), title=title.strip()
        )
        try:
            with session.begin_nested():
                session.add(batch)
                session.flush()
        except IntegrityError:
            continue
        return batch
    raise ListsError("no free batch number")


def add_to_batch(batch: Batch, project: Project) -> None:
    """Put a proposed project of the same body into an open batch."""
    if batch.status != BatchStatus.OPEN:
        raise ListsError("the batch is no longer open")
    if project.body_id != batch.body_id or project.status != ProjectStatus.PROPOSED:
        raise ListsError("only a proposed project of this body joins a batch")
    project.batch = batch


def motion_text(batch: Batch, heading: str) -> str:
    """The motion's text: the heading, then one line per project with its budget and lead unit."""
    lines = [heading]
    for n, project in enumerate(batch.projects, start=1):
        lines.append(f"{n}. {project.title}（{project.budget} {YUAN}，{project.lead_unit.name}）")
    return "\n".join(lines)


def put_to_vote(
    session: Session, batch: Batch, meeting, *, title: str, heading: str, created_by_id: int
):
    """Put an open batch with projects to the vote at a meeting in session.

    A decision item is added to the agenda and a draft motion made on it with the body's rule;
    the convener opens, runs and closes it like any motion.
    """
    if batch.status != BatchStatus.OPEN:
        raise ListsError("the batch is no longer open")
    if not batch.projects:
        raise ListsError("a batch without projects is not put to the vote")
    if meeting.body_id != batch.body_id:
        raise ListsError("the meeting is of another body")
    position = max((i.position for i in meeting.items), default=0) + 1
    item = AgendaItem(kind=ItemKind.DECISION, title=title[:160], position=position)
    meeting.items.append(item)
    session.flush()
    motion = voting_rules.create_motion(
        session,
        item,
        text=motion_text(batch, heading),
        kind=MotionKind.ROLL_CALL,
        rule=dict(meeting.body.default_rule),
        created_by_id=created_by_id,
    )
    session.flush()
    batch.motion = motion
    batch.status = BatchStatus.VOTING
    return motion


def can_decide(batch: Batch) -> bool:
    """A batch is decided once its motion is closed (counted) or cancelled."""
    return (
        batch.status == BatchStatus.VOTING
        and batch.motion is not None
        and batch.motion.status in (MotionStatus.CLOSED, MotionStatus.CANCELLED)
    )


def decide(
    session: Session, batch: Batch, *, decided_on: date, now: datetime, actor=None
) -> list[Resolution]:
    """Decide a batch from its motion's frozen result; return the resolutions made.

    Passed: each project is approved and becomes a numbered draft resolution (answering its
    need's topic) with one follow-up task for its lead unit, due at the project's deadline.
    Otherwise the batch and its projects are rejected.
    """
    if not can_decide(batch):
        raise ListsError("the batch's vote is not over")
    motion = batch.motion
    batch.decided_at = now
    passed = motion.status == MotionStatus.CLOSED and bool(motion.passed)
    if not passed:
        batch.status = BatchStatus.REJECTED
        for project in batch.projects:
            project.status = ProjectStatus.REJECTED
        return []
    batch.status = BatchStatus.APPROVED
    body = session.get(Body, batch.body_id)
    made = []
    for project in batch.projects:
        resolution = Resolution(
            title=project.title[:160],
            text=f"{project.plan}\n\n{project.budget} {YUAN} · {project.lead_unit.name}",
            decided_on=decided_on,
        )
        topic = project.need.topic
        if topic is not None:
            resolution.topics.append(topic)
        insert_numbered(session, resolution, body, decided_on.year)
        if topic is not None and topic_rules.can_move(topic, TopicStatus.DECIDED):
            topic_rules.move(topic, TopicStatus.DECIDED, actor=actor, note=resolution.number_text)
        followup_rules.assign(
            session,
            resolution,
            unit_id=project.lead_unit_id,
            title=project.title[:160],
            done_definition=project.plan,
            deadline=project.deadline,
            now=now,
        )
        project.status = ProjectStatus.APPROVED
        project.resolution = resolution
        made.append(resolution)
    session.flush()
    return made
