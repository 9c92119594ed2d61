"""The points ledger: balances as sums, second-person confirmation, reversals, no overdraft."""

import threading
from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.extensions import db
from app.models import LedgerEntry, Offer, ServiceRecord
from app.models.statuses import EntryKind
from app.points import ledger
from tests.points.helpers import earn, points_world

NOW = datetime(2026, 11, 20, 3, 0)


def test_balance_is_the_sum_of_entries(ctx):
    """Two earnings and a spend: the balance is exactly their sum, with no stored total."""
    world = points_world(offer_points="12.5")
    earn(world, hours="3")  # 30 points at the default rate of 10 per hour
    earn(world, hours="1.25")  # 12.50
    ledger.redeem(db.session, world["account"].id, world["offer"], by_id=world["clerk"].id, now=NOW)
    db.session.commit()
    entries = db.session.scalars(sa.select(LedgerEntry.points)).all()
    assert sorted(entries) == [Decimal("-12.50"), Decimal("12.50"), Decimal("30.00")]
    assert ledger.balance(db.session, world["account"].id) == Decimal("30.00")


def test_service_earns_only_when_a_second_person_confirms(ctx):
    """A record earns nothing until confirmed, not by its recorder; the body's rate counts."""
    world = points_world()
    db.session.add(ledger.PointsScheme(body_id=world["body"].id, points_per_hour=Decimal("15")))
    record = ledger.record_service(
        db.session,
        world["account"],
        served_on=date(2026, 11, 1),
        hours=Decimal("2.5"),
        description="助老",
        recorded_by_id=world["organiser"].id,
    )
    assert ledger.balance(db.session, world["account"].id) == 0
    with pytest.raises(ledger.PointsError, match="cannot confirm"):
        ledger.confirm_service(db.session, record, confirmed_by_id=world["organiser"].id, now=NOW)
    entry = ledger.confirm_service(db.session, record, confirmed_by_id=world["checker"].id, now=NOW)
    assert entry.points == Decimal("37.50") and entry.kind == EntryKind.EARN
    with pytest.raises(ledger.PointsError, match="already"):
        ledger.confirm_service(db.session, record, confirmed_by_id=world["checker"].id, now=NOW)


def test_the_database_refuses_self_confirmation(ctx):
    """The CHECK constraint holds even when the rule is bypassed."""
    world = points_world()
    organiser = world["organiser"].id
    db.session.add(
        ServiceRecord(
            account_id=world["account"].id,
            served_on=date(2026, 11, 1),
            hours=Decimal("1"),
            description="x",
            status="confirmed",
            recorded_by_id=organiser,
            confirmed_by_id=organiser,
        )
    )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_a_spend_never_overdraws(ctx):
    """With 30 points a 30-point offer is redeemed once; the next is refused, balance stays 0."""
    world = points_world(offer_points="30")
    earn(world, hours="3")
    ledger.redeem(db.session, world["account"].id, world["offer"], by_id=world["clerk"].id, now=NOW)
    with pytest.raises(ledger.NotEnoughPoints):
        ledger.redeem(
            db.session, world["account"].id, world["offer"], by_id=world["clerk"].id, now=NOW
        )
    db.session.commit()
    assert ledger.balance(db.session, world["account"].id) == 0


def test_reversal_is_a_new_entry_and_happens_once(ctx):
    """A mistaken spend is reversed by an opposite entry; the original is untouched; only once."""
    world = points_world(offer_points="10")
    earn(world, hours="2")
    spend = ledger.redeem(
        db.session, world["account"].id, world["offer"], by_id=world["clerk"].id, now=NOW
    )
    db.session.commit()
    reversal = ledger.reverse(
        db.session, spend, reason="店员误扫", by_id=world["organiser"].id, now=NOW
    )
    db.session.commit()
    assert reversal.points == Decimal("10.00") and reversal.reverses_id == spend.id
    assert db.session.get(LedgerEntry, spend.id).points == Decimal("-10.00")
    assert ledger.balance(db.session, world["account"].id) == Decimal("20.00")
    with pytest.raises(ledger.PointsError, match="already reversed"):
        ledger.reverse(db.session, spend, reason="again", by_id=world["organiser"].id, now=NOW)
    with pytest.raises(ledger.PointsError, match="not reversed"):
        ledger.reverse(db.session, reversal, reason="x", by_id=world["organiser"].id, now=NOW)
    with pytest.raises(ledger.PointsError, match="reason"):
        ledger.reverse(db.session, spend, reason=" ", by_id=world["organiser"].id, now=NOW)


def test_reversing_spent_earnings_is_refused(ctx):
    """An earning already spent cannot be reversed: that would take the balance below zero."""
    world = points_world(offer_points="30")
    earning = earn(world, hours="3")
    ledger.redeem(db.session, world["account"].id, world["offer"], by_id=world["clerk"].id, now=NOW)
    db.session.commit()
    with pytest.raises(ledger.NotEnoughPoints):
        ledger.reverse(db.session, earning, reason="录错", by_id=world["organiser"].id, now=NOW)


def test_the_database_allows_one_reversal_per_entry(ctx):
    """UNIQUE(reverses_id): a second reversal row of the same entry is refused by the database."""
    world = points_world()
    earning = earn(world, hours="3")
    for _ in range(2):
        db.session.add(
            LedgerEntry(
                account_id=world["account"].id,
                kind="reversal",
                points=Decimal("-1"),
                reverses_id=earning.id,
            )
        )
    with pytest.raises(IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_fifty_concurrent_redemptions_never_overdraw(app, ctx):
    """50 shops redeem a 10-point offer at once from 95 points: exactly 9 pass, balance 5, not −."""
    world = points_world(offer_points="10")
    earn(world, hours="9.5")
    account_id, offer_id, clerk_id = world["account"].id, world["offer"].id, world["clerk"].id
    db.session.remove()
    start = threading.Barrier(50)
    outcomes, errors = [], []

    def redeem():
        try:
            with app.test_request_context("/", method="POST"):
                start.wait()
                try:
                    offer = db.session.get(Offer, offer_id)
                    ledger.redeem(db.session, account_id, offer, by_id=clerk_id, now=NOW)
                    db.session.commit()
                    outcomes.append("ok")
                except ledger.NotEnoughPoints:
                    db.session.rollback()
                    outcomes.append("refused")
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=redeem) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    assert outcomes.count("ok") == 9 and outcomes.count("refused") == 41
    assert ledger.balance(db.session, account_id) == Decimal("5.00")
    spends = db.session.scalar(
        sa.select(sa.func.count()).where(LedgerEntry.kind == EntryKind.SPEND)
    )
    assert spends == 9
