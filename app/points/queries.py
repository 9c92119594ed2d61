"""Reads of the service points: plain SQLAlchemy on a session, no Flask."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from app.models import (
    Body,
    LedgerEntry,
    Offer,
    PointsAccount,
    ResponsibleUnit,
    ServiceRecord,
    Shop,
    User,
)
from app.models.statuses import EntryKind, ServiceStatus

RECENT = 50


def unconfirmed(session: Session, body: Body) -> list[ServiceRecord]:
    """Service records of the body waiting for a second person's confirmation."""
    return list(
        session.scalars(
            sa.select(ServiceRecord)
            .join(PointsAccount)
            .where(PointsAccount.body_id == body.id, ServiceRecord.status == ServiceStatus.RECORDED)
            .options(selectinload(ServiceRecord.account).selectinload(PointsAccount.user))
            .order_by(ServiceRecord.id)
        )
    )


def recent_entries(session: Session, body: Body) -> list[LedgerEntry]:
    """The body's newest ledger entries."""
    return list(
        session.scalars(
            sa.select(LedgerEntry)
            .join(PointsAccount)
            .where(PointsAccount.body_id == body.id)
            .order_by(LedgerEntry.id.desc())
            .limit(RECENT)
        )
    )


def reversed_ids(session: Session, entry_ids) -> set[int]:
    """Which of these entries already have a reversal."""
    ids = list(entry_ids)
    if not ids:
        return set()
    return set(
        session.scalars(sa.select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.in_(ids)))
    )


def account_names(session: Session, body: Body) -> dict[int, str]:
    """Account id → volunteer name, for the body."""
    rows = session.execute(
        sa.select(PointsAccount.id, User.name)
        .join(User, User.id == PointsAccount.user_id)
        .where(PointsAccount.body_id == body.id)
    )
    return dict(rows.all())


def balances(session: Session, body: Body) -> list[tuple[str, object]]:
    """Each volunteer of the body with their balance (the sum of their entries), highest first."""
    total = sa.func.coalesce(sa.func.sum(LedgerEntry.points), 0)
    rows = session.execute(
        sa.select(User.name, total)
        .select_from(PointsAccount)
        .join(User, User.id == PointsAccount.user_id)
        .outerjoin(LedgerEntry, LedgerEntry.account_id == PointsAccount.id)
        .where(PointsAccount.body_id == body.id)
        .group_by(PointsAccount.id, User.name)
        .order_by(total.desc(), User.name)
    )
    return [tuple(r) for r in rows.all()]


def shops(session: Session, body: Body) -> list[Shop]:
    """The body's certified shops with their offers."""
    return list(
        session.scalars(
            sa.select(Shop)
            .where(Shop.body_id == body.id)
            .options(selectinload(Shop.offers), selectinload(Shop.unit))
            .order_by(Shop.id)
        )
    )


def uncertified_units(session: Session, body: Body) -> list[ResponsibleUnit]:
    """Units not yet certified as shops of the body."""
    certified = sa.select(Shop.unit_id).where(Shop.body_id == body.id)
    return list(
        session.scalars(
            sa.select(ResponsibleUnit)
            .where(ResponsibleUnit.id.not_in(certified))
            .order_by(ResponsibleUnit.name)
        )
    )


def account_of(session: Session, body: Body, user_id: int) -> PointsAccount | None:
    """The person's account with the body, if any."""
    return session.scalar(
        sa.select(PointsAccount).where(
            PointsAccount.body_id == body.id, PointsAccount.user_id == user_id
        )
    )


def entries_of(session: Session, account_id: int) -> list[LedgerEntry]:
    """An account's entries, newest first."""
    return list(
        session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.account_id == account_id)
            .options(selectinload(LedgerEntry.shop).selectinload(Shop.unit))
            .order_by(LedgerEntry.id.desc())
        )
    )


def user_by_phone(session: Session, phone: str) -> User | None:
    """The person with this phone number."""
    return session.scalar(sa.select(User).where(User.phone == phone))


def active_offer(session: Session, shops_list: list[Shop], offer_id: int) -> Offer | None:
    """An active offer of one of these shops."""
    offer = session.get(Offer, offer_id) if offer_id else None
    if offer is None or not offer.active or offer.shop_id not in {s.id for s in shops_list}:
        return None
    return offer


def footfall(session: Session, shop: Shop, since: datetime) -> dict:
    """客流 through points at a shop since ``since``: redemptions and distinct customers.

    A reversed redemption does not count.
    """
    reversed_q = sa.select(LedgerEntry.reverses_id).where(LedgerEntry.reverses_id.is_not(None))
    spends = sa.select(LedgerEntry).where(
        LedgerEntry.shop_id == shop.id,
        LedgerEntry.kind == EntryKind.SPEND,
        LedgerEntry.created_at >= since,
        LedgerEntry.id.not_in(reversed_q),
    )
    rows = session.scalars(spends).all()
    return {
        "redemptions": len(rows),
        "customers": len({r.account_id for r in rows}),
        "points": sum((-r.points for r in rows), start=0),
    }


def shop_entries(session: Session, shop: Shop) -> list[LedgerEntry]:
    """The shop's newest redemptions."""
    return list(
        session.scalars(
            sa.select(LedgerEntry)
            .where(LedgerEntry.shop_id == shop.id, LedgerEntry.kind == EntryKind.SPEND)
            .order_by(LedgerEntry.id.desc())
            .limit(RECENT)
        )
    )
