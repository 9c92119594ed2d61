"""Reads of the owners' pages: plain functions taking a session, a constant number of queries."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Body,
    Building,
    Owner,
    OwnerBallot,
    OwnerContact,
    OwnerDecision,
    PaperBallot,
    Resolution,
    Unit,
    decision_buildings,
)
from app.models.owners import hash_code
from app.models.statuses import DecisionStatus, PaperStatus
from app.owners.ballots import scope_filter
from app.owners.registry import SOURCE_WORDS

PAGE_SIZE = 100


def registry_summary(session: Session, body_id: int) -> dict:
    """Buildings with their unit count and area, and the compound's owner count: three queries."""
    per_building = session.execute(
        sa.select(
            Building.name, sa.func.count(Unit.id), sa.func.coalesce(sa.func.sum(Unit.area), 0)
        )
        .join(Unit, Unit.building_id == Building.id, isouter=True)
        .where(Building.body_id == body_id)
        .group_by(Building.id, Building.name)
        .order_by(Building.name)
    ).all()
    owners = session.scalar(sa.select(sa.func.count(Owner.id)).where(Owner.body_id == body_id))
    units = sum(count for _, count, _ in per_building)
    return {"buildings": per_building, "owners": owners or 0, "units": units}


def registry_page(session: Session, body_id: int, page: int) -> Sequence[Unit]:
    """One page of units with their owner and building (one query, owners' contacts loaded)."""
    return session.scalars(
        sa.select(Unit)
        .where(Unit.body_id == body_id)
        .options(selectinload(Unit.owner).selectinload(Owner.contacts), selectinload(Unit.building))
        .order_by(Unit.code)
        .limit(PAGE_SIZE)
        .offset((page - 1) * PAGE_SIZE)
    ).all()


def existing_codes(session: Session, body_id: int) -> frozenset[str]:
    """The unit codes already in the compound's registry."""
    return frozenset(session.scalars(sa.select(Unit.code).where(Unit.body_id == body_id)))


def export_rows(session: Session, body_id: int) -> list[list[str]]:
    """The registry as rows in the import's columns (the committee's copy: phones included)."""
    units = session.scalars(
        sa.select(Unit)
        .where(Unit.body_id == body_id)
        .options(selectinload(Unit.owner).selectinload(Owner.contacts), selectinload(Unit.building))
        .order_by(Unit.code)
    ).all()
    rows = []
    for unit in units:
        owner = unit.owner
        first, *others = owner.contacts or [None]
        parts = unit.code.split("-")
        entrance = parts[1] if len(parts) == 3 else ""
        developer = owner.kind == "developer"
        rows.append(
            [
                unit.building.name,
                entrance,
                parts[-1],
                format(unit.area, "f"),
                SOURCE_WORDS[unit.area_source],
                first.name if first else "",
                first.phone if first else "",
                "/".join(c.name for c in others),
                "/".join(c.phone for c in others),
                "" if developer or owner.key.startswith("unit:") else owner.key.removeprefix("no:"),
                "是" if developer else "",
            ]
        )
    return rows


def buildings(session: Session, body_id: int) -> Sequence[Building]:
    """The compound's buildings by name."""
    return session.scalars(
        sa.select(Building).where(Building.body_id == body_id).order_by(Building.name)
    ).all()


def decisions(session: Session, body_id: int) -> Sequence[OwnerDecision]:
    """The compound's owners' decisions, newest first."""
    return session.scalars(
        sa.select(OwnerDecision)
        .where(OwnerDecision.body_id == body_id)
        .order_by(OwnerDecision.opens_at.desc(), OwnerDecision.id.desc())
    ).all()


def contact_for_code(session: Session, code: str) -> OwnerContact | None:
    """The owner's contact holding this personal code (typed or from the link), if any."""
    return session.scalar(
        sa.select(OwnerContact)
        .where(OwnerContact.code_hash == hash_code(code))
        .options(selectinload(OwnerContact.owner))
    )


def contacts_in_scope(session: Session, decision: OwnerDecision) -> Sequence[OwnerContact]:
    """Every contact of an owner holding a unit in scope, with their owner's units loaded."""
    in_scope = sa.select(Unit.owner_id).where(scope_filter(decision))
    return session.scalars(
        sa.select(OwnerContact)
        .where(OwnerContact.owner_id.in_(in_scope))
        .options(selectinload(OwnerContact.owner).selectinload(Owner.units))
        .order_by(OwnerContact.owner_id, OwnerContact.id)
    ).all()


def not_voted_by_building(session: Session, decision: OwnerDecision) -> dict[str, list[Unit]]:
    """Per building, the units in scope whose owner has not voted yet (no choice shown)."""
    voted = sa.select(OwnerBallot.owner_id).where(OwnerBallot.decision_id == decision.id)
    units = session.scalars(
        sa.select(Unit)
        .where(scope_filter(decision), Unit.owner_id.not_in(voted))
        .options(selectinload(Unit.owner).selectinload(Owner.contacts), selectinload(Unit.building))
        .order_by(Unit.code)
    ).all()
    listing: dict[str, list[Unit]] = {}
    for unit in units:
        listing.setdefault(unit.building.name, []).append(unit)
    return listing


def unit_by_code(session: Session, decision: OwnerDecision, code: str) -> Unit | None:
    """The unit in the decision's scope with this code, if any."""
    return session.scalar(
        sa.select(Unit)
        .where(scope_filter(decision), Unit.code == code.strip())
        .options(selectinload(Unit.owner))
    )


def paper_ballots(session: Session, decision_id: int) -> Sequence[PaperBallot]:
    """The decision's paper ballots, waiting for a second person first, then conflicts."""
    order = sa.case(
        {PaperStatus.ENTERED: 0, PaperStatus.CONFLICT: 1}, value=PaperBallot.status, else_=2
    )
    return session.scalars(
        sa.select(PaperBallot)
        .where(PaperBallot.decision_id == decision_id)
        .options(selectinload(PaperBallot.unit).selectinload(Unit.owner))
        .order_by(order, PaperBallot.serial)
    ).all()


def owner_decisions(session: Session, owner: Owner) -> Sequence[OwnerDecision]:
    """The decisions of the owner's compound whose scope holds one of the owner's units."""
    buildings = sa.select(Unit.building_id).where(Unit.owner_id == owner.id)
    chosen = sa.select(decision_buildings.c.decision_id).where(
        decision_buildings.c.building_id.in_(buildings)
    )
    return session.scalars(
        sa.select(OwnerDecision)
        .where(
            OwnerDecision.body_id == owner.body_id,
            sa.or_(OwnerDecision.whole_compound, OwnerDecision.id.in_(chosen)),
        )
        .order_by(OwnerDecision.opens_at.desc())
    ).all()


def closed_decisions(session: Session, body_slug: str | None, limit: int = 500):
    """Closed decisions (of the body with ``body_slug``) with their body's name, newest first."""
    query = (
        sa.select(OwnerDecision, Body.name)
        .join(Body, Body.id == OwnerDecision.body_id)
        .where(OwnerDecision.status == DecisionStatus.CLOSED)
        .order_by(OwnerDecision.closed_at.desc(), OwnerDecision.id.desc())
        .limit(limit)
    )
    if body_slug:
        query = query.where(Body.slug == body_slug)
    return session.execute(query).all()


def resolutions_of(session: Session, body_id: int) -> Sequence[Resolution]:
    """The body's resolutions a decision may come from, newest first."""
    return session.scalars(
        sa.select(Resolution).where(Resolution.body_id == body_id).order_by(Resolution.id.desc())
    ).all()
