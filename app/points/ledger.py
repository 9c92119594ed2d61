"""The points ledger and the service records that feed it. Plain functions with no Flask import.

The rules:

- A balance is the sum of the account's entries; there is no balance column to drift.
- Service (志愿服务) is recorded by one person and confirmed by a second (录入/复核); only on
  confirmation does it earn points: hours × the body's rate, one earning entry per record.
- A spend (redeeming an offer at a certified shop) can never take a balance below zero, even
  when several shops redeem at the same instant: the account's row is locked first (``SELECT …
  FOR UPDATE`` on PostgreSQL; on SQLite an UPDATE of that row, which takes the database's write
  lock), so concurrent spends of one account take turns and each sees the others' entries.
- A mistaken entry is never edited or deleted: a reversal entry of the opposite sign is added,
  at most one per entry (UNIQUE ``reverses_id``). A reversal that would take the balance below
  zero (an earning already spent) is refused like a spend.
"""

from __future__ import annotations

import secrets
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import LedgerEntry, Offer, PointsAccount, PointsScheme, ServiceRecord, Shop
from app.models.statuses import EntryKind, ServiceStatus

DEFAULT_RATE = Decimal("10")
ZERO = Decimal("0")


class PointsError(ValueError):
    """A ledger step that is not allowed; the message says why."""


class NotEnoughPoints(PointsError):
    """The spend (or reversal) would take the balance below zero."""


def rate_of(session: Session, body_id: int) -> Decimal:
    """Points one hour of confirmed service earns in this body (10 unless the body set another)."""
    scheme = session.get(PointsScheme, body_id)
    return scheme.points_per_hour if scheme else DEFAULT_RATE


def set_rate(session: Session, body_id: int, points_per_hour: Decimal) -> Decimal:
    """Set the body's rate for service confirmed from now on; return the rate before.

    Earnings already credited keep the rate they were credited at (entries are never edited).
    """
    if Decimal(points_per_hour) <= 0:
        raise PointsError("the rate is more than 0")
    before = rate_of(session, body_id)
    scheme = session.get(PointsScheme, body_id)
    if scheme is None:
        scheme = PointsScheme(body_id=body_id)
        session.add(scheme)
    scheme.points_per_hour = Decimal(points_per_hour)
    return before


def points_for(hours: Decimal, rate: Decimal) -> Decimal:
    """Hours × rate, exactly, to the cent of a point."""
    return (Decimal(hours) * Decimal(rate)).quantize(Decimal("0.01"))


def account_for(session: Session, body_id: int, user_id: int) -> PointsAccount:
    """The person's account with the body, opened (with a random QR code) on first use."""
    account = session.scalar(
        sa.select(PointsAccount).where(
            PointsAccount.body_id == body_id, PointsAccount.user_id == user_id
        )
    )
    if account is None:
        account = PointsAccount(body_id=body_id, user_id=user_id, code=secrets.token_urlsafe(18))
        try:
            with session.begin_nested():  # UNIQUE(body_id, user_id): a concurrent twin wins
                session.add(account)
                session.flush()
        except IntegrityError:
            return session.scalar(
                sa.select(PointsAccount).where(
                    PointsAccount.body_id == body_id, PointsAccount.user_id == user_id
                )
            )
    return account


def balance(session: Session, account_id: int) -> Decimal:
    """The sum of the account's entries."""
    total = session.scalar(
        sa.select(sa.func.coalesce(sa.func.sum(LedgerEntry.points), 0)).where(
            LedgerEntry.account_id == account_id
        )
    )
    return Decimal(total).quantize(Decimal("0.01"))


def lock_account(session: Session, account_id: int) -> None:
    """Make concurrent changes of one account take turns until the caller commits."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(
            sa.select(PointsAccount.id).where(PointsAccount.id == account_id).with_for_update()
        )
    else:
        session.execute(
            sa.update(PointsAccount)
            .where(PointsAccount.id == account_id)
            .values(id=PointsAccount.id)
            .execution_options(synchronize_session=False)
        )


def record_service(
    session: Session,
    account: PointsAccount,
    *,
    served_on: date,
    hours: Decimal,
    description: str,
    recorded_by_id: int,
) -> ServiceRecord:
    """Record service hours for a volunteer; it earns nothing until a second person confirms."""
    hours = Decimal(hours)
    if not ZERO < hours <= 24:
        raise PointsError("hours must be more than 0 and at most 24")
    record = ServiceRecord(
        account_id=account.id,
        served_on=served_on,
        hours=hours,
        description=description.strip(),
        status=ServiceStatus.RECORDED,
        recorded_by_id=recorded_by_id,
    )
    session.add(record)
    session.flush()
    return record


def confirm_service(
    session: Session, record: ServiceRecord, *, confirmed_by_id: int, now: datetime
) -> LedgerEntry:
    """Confirm a service record (复核) by someone other than who recorded it; credit its points.

    The account is locked first, so two people confirming at once credit the points once.
    """
    lock_account(session, record.account_id)
    session.refresh(record)  # after the lock: a concurrent confirmation is seen here
    if record.status == ServiceStatus.CONFIRMED:
        raise PointsError("already confirmed")
    if confirmed_by_id == record.recorded_by_id:
        raise PointsError("the person who recorded it cannot confirm it")
    record.status = ServiceStatus.CONFIRMED
    record.confirmed_by_id = confirmed_by_id
    record.confirmed_at = now
    rate = rate_of(session, record.account.body_id)
    entry = LedgerEntry(
        account_id=record.account_id,
        kind=EntryKind.EARN,
        points=points_for(record.hours, rate),
        service_record_id=record.id,
        note=record.description[:160],
        created_by_id=confirmed_by_id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def redeem(
    session: Session, account_id: int, offer: Offer, *, by_id: int, now: datetime
) -> LedgerEntry:
    """Spend the offer's points from the account at the offer's shop; never below zero.

    The account's row is locked before its balance is read, so two shops redeeming at the same
    instant take turns: the second sees the first's entry and is refused if it would overdraw.
    """
    if not offer.active:
        raise PointsError("this offer is no longer available")
    account = session.get(PointsAccount, account_id)
    if account is None or account.body_id != offer.shop.body_id:
        raise PointsError("the account is not of this shop's body")
    lock_account(session, account_id)
    if balance(session, account_id) < offer.points:
        raise NotEnoughPoints("not enough points")
    entry = LedgerEntry(
        account_id=account_id,
        kind=EntryKind.SPEND,
        points=-offer.points,
        offer_id=offer.id,
        shop_id=offer.shop_id,
        note=offer.title[:160],
        created_by_id=by_id,
        created_at=now,
    )
    session.add(entry)
    session.flush()
    return entry


def can_reverse(entry: LedgerEntry, reversed_ids: set[int]) -> bool:
    """An entry may be reversed once, and a reversal itself is not reversed."""
    return entry.kind != EntryKind.REVERSAL and entry.id not in reversed_ids


def reverse(
    session: Session, entry: LedgerEntry, *, reason: str, by_id: int, now: datetime
) -> LedgerEntry:
    """Undo a mistaken entry with a new entry of the opposite sign; the original stays as it was."""
    if entry.kind == EntryKind.REVERSAL:
        raise PointsError("a reversal is not reversed")
    if not reason.strip():
        raise PointsError("a reversal needs a reason")
    lock_account(session, entry.account_id)
    if session.scalar(sa.select(LedgerEntry.id).where(LedgerEntry.reverses_id == entry.id)):
        raise PointsError("already reversed")
    if entry.points > 0 and balance(session, entry.account_id) < entry.points:
        raise NotEnoughPoints("the points were already spent")
    reversal = LedgerEntry(
        account_id=entry.account_id,
        kind=EntryKind.REVERSAL,
        points=-entry.points,
        reverses_id=entry.id,
        shop_id=entry.shop_id,
        note=reason.strip()[:160],
        created_by_id=by_id,
        created_at=now,
    )
    session.add(reversal)
    session.flush()
    return reversal


def certify_shop(session: Session, body_id: int, unit_id: int, *, by_id: int) -> Shop:
    """Certify a unit as a shop (认证商户) of the body, once."""
    shop = session.scalar(sa.select(Shop).where(Shop.body_id == body_id, Shop.unit_id == unit_id))
    if shop is not None:
        raise PointsError("already certified")
    shop = Shop(body_id=body_id, unit_id=unit_id, certified_by_id=by_id)
    try:
        with session.begin_nested():  # UNIQUE(body_id, unit_id): a concurrent twin is refused
            session.add(shop)
            session.flush()
    except IntegrityError:
        raise PointsError("already certified") from None
    return shop


def publish_offer(session: Session, shop: Shop, *, title: str, points: Decimal) -> Offer:
    """A certified shop publishes what its points buy."""
    points = Decimal(points)
    if points <= 0:
        raise PointsError("an offer costs more than 0 points")
    offer = Offer(shop_id=shop.id, title=title.strip(), points=points)
    session.add(offer)
    session.flush()
    return offer
