"""Owners' decisions against the database: scope, ballots, progress, the count and closing.

Every function takes a session and never commits: the view (or the ``flask`` command) does.
The count is always :func:`app.counting.owners.tally_owners_case` on the case :func:`case_for`
builds, which is exactly what ``flask tally`` reads, so the web result equals the command's.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from fractions import Fraction

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app import audit, clock
from app.counting.owners import OwnersResult, tally_owners_case
from app.followup.numbering import insert_numbered
from app.models import (
    Building,
    Owner,
    OwnerBallot,
    OwnerContact,
    OwnerDecision,
    Resolution,
    Unit,
    decision_buildings,
)
from app.models.statuses import BallotChannel, DecisionStatus
from app.owners.registry import Row, co_owner_pairs
from app.owners.rules import Phase, may_vote, phase
from app.rows import insert_once


def scope_filter(decision: OwnerDecision):
    """The SQL condition for the units in the decision's scope (all, or its buildings)."""
    condition = Unit.body_id == decision.body_id
    if not decision.whole_compound:
        chosen = sa.select(decision_buildings.c.building_id).where(
            decision_buildings.c.decision_id == decision.id
        )
        condition = sa.and_(condition, Unit.building_id.in_(chosen))
    return condition


def owner_in_scope(session: Session, decision: OwnerDecision, owner_id: int) -> bool:
    """Whether the owner holds a unit in the decision's scope."""
    query = sa.select(Unit.id).where(scope_filter(decision), Unit.owner_id == owner_id).limit(1)
    return session.scalar(query) is not None


def case_for(session: Session, decision: OwnerDecision) -> dict:
    """The ``flask tally`` case of the decision: its units in scope, its ballots and its rule."""
    units = session.execute(
        sa.select(Unit.code, Unit.area, Owner.key)
        .join(Owner, Owner.id == Unit.owner_id)
        .where(scope_filter(decision))
        .order_by(Unit.code)
    ).all()
    in_scope = sa.select(Unit.owner_id).where(scope_filter(decision))
    ballots = session.execute(
        sa.select(Owner.key, OwnerBallot.choice)
        .join(Owner, Owner.id == OwnerBallot.owner_id)
        .where(OwnerBallot.decision_id == decision.id, OwnerBallot.owner_id.in_(in_scope))
        .order_by(Owner.key)
    ).all()
    return {
        "units": [
            {"id": code, "area": _area_text(area), "owner": key} for code, area, key in units
        ],
        "ballots": dict(ballots),
        "rule": {"matter": decision.matter},
    }


def count(session: Session, decision: OwnerDecision, locale: str = "zh") -> OwnersResult:
    """Count the decision as it stands now (the frozen result once closed is in ``frozen``)."""
    return tally_owners_case(case_for(session, decision), locale)


def cast(
    session: Session,
    decision: OwnerDecision,
    owner: Owner,
    contact: OwnerContact | None,
    choice: str,
    channel: BallotChannel,
    now: datetime,
) -> int | None:
    """Record an owner's one ballot: its id, or None when the owner (or a co-owner) had voted.

    UNIQUE (decision, owner) decides in one statement (``rows.insert_once``: INSERT … ON CONFLICT
    DO NOTHING), so fifty simultaneous taps by co-owners, or a phone racing a paper ballot,
    make one ballot.
    """
    values = {
        "decision_id": decision.id,
        "owner_id": owner.id,
        "contact_id": contact.id if contact else None,
        "choice": choice,
        "channel": channel,
        "cast_at": now,
    }
    return insert_once(session, OwnerBallot.__table__, values, ("decision_id", "owner_id"))


def refusal(session: Session, decision: OwnerDecision, owner: Owner, now: datetime) -> str:
    """Why the owner may not vote on the decision now ("" when they may), see rules.may_vote."""
    return may_vote(
        phase(decision.status, decision.opens_at, decision.closes_at, now),
        owner_in_scope(session, decision, owner.id),
        ballot_of(session, decision.id, owner.id) is not None,
    )


def cast_by_phone(
    session: Session, decision: OwnerDecision, contact: OwnerContact, choice: str, now: datetime
) -> int | None:
    """Record a contact's confirmed phone ballot for their owner, audited; None if one came first.

    Returns the ballot's id. The audit event names the owner and the channel, not the choice.
    It is written as pending in the ballot's transaction and chained after the commit
    (``audit_chainer``), so 2,000 owners voting at once do not take turns on the chain's lock.
    """
    ballot_id = cast(session, decision, contact.owner, contact, choice, BallotChannel.PHONE, now)
    if ballot_id is not None:
        after = {"owner": contact.owner.key, "channel": "phone"}
        audit.defer(session, "owner_ballot.cast", "OwnerDecision", decision.id, after=after)
    return ballot_id


def ballot_of(session: Session, decision_id: int, owner_id: int) -> OwnerBallot | None:
    """The owner's ballot on the decision, if any."""
    return session.scalar(
        sa.select(OwnerBallot).where(
            OwnerBallot.decision_id == decision_id, OwnerBallot.owner_id == owner_id
        )
    )


@dataclass(frozen=True)
class Progress:
    """Participation during the window: owners and area taking part, never their choices."""

    owners_total: int
    owners_voted: int
    area_total: Fraction
    area_voted: Fraction

    @property
    def owners_ratio(self) -> Fraction:
        """Participating owners over all owners in scope."""
        return Fraction(self.owners_voted, self.owners_total) if self.owners_total else Fraction(0)

    @property
    def area_ratio(self) -> Fraction:
        """Participating area over the area in scope."""
        return self.area_voted / self.area_total if self.area_total else Fraction(0)


def progress(session: Session, decision: OwnerDecision) -> Progress:
    """Owners and area in scope and taking part, in two aggregate queries whatever the size."""
    per_owner = (
        sa.select(Unit.owner_id, sa.func.sum(Unit.area).label("area"))
        .where(scope_filter(decision))
        .group_by(Unit.owner_id)
        .subquery()
    )
    total = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_owner.c.area), 0))
    ).one()
    voted = session.execute(
        sa.select(sa.func.count(), sa.func.coalesce(sa.func.sum(per_owner.c.area), 0))
        .select_from(per_owner)
        .join(
            OwnerBallot,
            sa.and_(
                OwnerBallot.owner_id == per_owner.c.owner_id,
                OwnerBallot.decision_id == decision.id,
            ),
        )
    ).one()
    return Progress(total[0], voted[0], _fraction(total[1]), _fraction(voted[1]))


def close(session: Session, decision: OwnerDecision, now: datetime, locale: str = "zh") -> dict:
    """Close the window: freeze the case and its result, set passed; return the result."""
    case = case_for(session, decision)
    result = tally_owners_case(case, locale).to_json()
    decision.frozen = {"case": case, "result": result}
    decision.passed = result["passed"]
    decision.status = DecisionStatus.CLOSED
    decision.closed_at = now
    return result


def frozen_result(decision: OwnerDecision, language: str) -> dict | None:
    """The frozen result, its explanation said in ``language`` (the figures stay as frozen).

    The explanation is frozen in Chinese, the official wording; an English reader gets the
    same sentence recounted in English from the frozen case.
    """
    if not decision.frozen:
        return None
    result = decision.frozen["result"]
    if language == "en":
        english = tally_owners_case(decision.frozen["case"], "en").explanation
        result = dict(result, explanation=english)
    return result


def locked(session: Session, decision_id: int) -> OwnerDecision | None:
    """The decision with its row locked for a change of state (a no-op lock on SQLite)."""
    return session.scalar(
        sa.select(OwnerDecision)
        .where(OwnerDecision.id == decision_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )


def close_if_due(session: Session, decision: OwnerDecision, now: datetime) -> bool:
    """Close the decision when its window has ended and nobody closed it yet; True if closed now.

    This runs on the first request after the end (and from ``flask owners-close``), under a row
    lock, so two requests arriving together close it once.
    """
    row = locked(session, decision.id)
    if row is None or phase(row.status, row.opens_at, row.closes_at, now) != Phase.DUE:
        return False
    close(session, row, now)
    return True


def due_decisions(session: Session, now: datetime) -> Sequence[OwnerDecision]:
    """Decisions whose window has ended but which are not closed yet."""
    return session.scalars(
        sa.select(OwnerDecision).where(
            OwnerDecision.status != DecisionStatus.CLOSED, OwnerDecision.closes_at <= now
        )
    ).all()


def save_registry(session: Session, body_id: int, rows: Sequence[Row]) -> int:
    """Add the checked rows to the compound's registry; return how many units were added.

    Buildings and owners are found or created by name and key; each owner's contacts are the
    row's owner and co-owners (a buyer's later rows add no contact already listed).
    """
    buildings = {
        b.name: b for b in session.scalars(sa.select(Building).where(Building.body_id == body_id))
    }
    owners = {o.key: o for o in session.scalars(sa.select(Owner).where(Owner.body_id == body_id))}
    contacts = set(
        session.execute(
            sa.select(Owner.key, OwnerContact.name).join(Owner).where(Owner.body_id == body_id)
        ).tuples()
    )
    added = 0
    for row in rows:
        building = buildings.get(row.building)
        if building is None:
            building = buildings[row.building] = Building(body_id=body_id, name=row.building)
            session.add(building)
        owner = owners.get(row.owner_key)
        if owner is None:
            developer = row.owner_key == "developer"
            owner = owners[row.owner_key] = Owner(
                body_id=body_id,
                key=row.owner_key,
                name=row.owner_name or "开发商",
                kind="developer" if developer else "person",
            )
            session.add(owner)
        people = [(row.owner_name, row.phone), *co_owner_pairs(row)] if row.owner_name else []
        for name, phone in people:
            if (row.owner_key, name) not in contacts:
                contacts.add((row.owner_key, name))
                session.add(OwnerContact(owner=owner, name=name, phone=phone))
        session.add(
            Unit(
                body_id=body_id,
                building=building,
                code=row.code,
                area=row.area,
                area_source=row.source,
                owner=owner,
            )
        )
        added += 1
    session.flush()
    return added


def _area_text(area: Decimal) -> str:
    return format(Decimal(area).normalize(), "f")


def _fraction(value) -> Fraction:
    # SQLite sums NUMERIC as a float; areas have two places, so round back to them.
    return Fraction(Decimal(str(value)).quantize(Decimal("0.01")))


def units_in_scope(session: Session, decision: OwnerDecision, owner_id: int) -> Sequence[Unit]:
    """The owner's units in the decision's scope: what their one ballot covers."""
    return session.scalars(
        sa.select(Unit).where(scope_filter(decision), Unit.owner_id == owner_id).order_by(Unit.code)
    ).all()


def add_paper(session: Session, entry) -> bool:
    """Add an entered paper ballot; False when its serial number was already entered."""
    try:
        with session.begin_nested():
            session.add(entry)
            session.flush()
    except IntegrityError:
        return False
    return True


def outcome_resolution(session: Session, decision: OwnerDecision, body, tz: str) -> Resolution:
    """A numbered draft resolution recording the passed decision and its result sentence."""
    closed_on = clock.local_date(decision.closed_at, tz)
    result = decision.frozen["result"]
    resolution = Resolution(
        title=decision.title[:160],
        text=f"{decision.text}\n\n{result['explanation']}",
        decided_on=closed_on,
    )
    insert_numbered(session, resolution, body, closed_on.year)
    decision.outcome_resolution_id = resolution.id
    return resolution
