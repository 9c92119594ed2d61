"""Uniqueness under 50 concurrent requests: one confirmation credits once; accounts, shops once."""

import threading
from datetime import date, datetime
from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import Body, LedgerEntry, PointsAccount, ServiceRecord, Shop
from app.points import ledger
from tests.factories import make_unit
from tests.points.helpers import points_world

NOW = datetime(2026, 11, 20, 3, 0)


def _run_50(app, work):
    start = threading.Barrier(50)
    outcomes, errors = [], []

    def run():
        try:
            with app.test_request_context("/", method="POST"):
                start.wait()
                try:
                    work()
                    db.session.commit()
                    outcomes.append("ok")
                except ledger.PointsError:
                    db.session.rollback()
                    outcomes.append("refused")
                finally:
                    db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=run) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    return outcomes


def test_fifty_confirmations_of_one_record_credit_it_once(app, ctx):
    """50 confirmers at once: one earning entry, 49 told it is already confirmed."""
    world = points_world()
    record = ledger.record_service(
        db.session,
        world["account"],
        served_on=date(2026, 11, 1),
        hours=Decimal("2"),
        description="巡查",
        recorded_by_id=world["organiser"].id,
    )
    db.session.commit()
    record_id, checker_id, account_id = record.id, world["checker"].id, world["account"].id
    db.session.remove()

    def confirm():
        target = db.session.get(ServiceRecord, record_id)
        ledger.confirm_service(db.session, target, confirmed_by_id=checker_id, now=NOW)

    outcomes = _run_50(app, confirm)
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == 49
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    assert ledger.balance(db.session, account_id) == Decimal("20.00")


def test_fifty_first_records_open_one_account_and_certify_once(app, ctx):
    """50 at once: one account per volunteer and body; a unit certified as a shop once."""
    world = points_world()
    body_id, unit_id = world["body"].id, make_unit().id
    user_id, organiser_id = world["clerk"].id, world["organiser"].id
    db.session.remove()

    def open_account():
        ledger.account_for(db.session, body_id, user_id)

    outcomes = _run_50(app, open_account)
    assert outcomes.count("ok") == 50, outcomes
    count = sa.select(sa.func.count()).where(PointsAccount.user_id == user_id)
    assert db.session.scalar(count) == 1
    db.session.remove()  # end this read: the next one must see what the threads did

    def certify():
        ledger.certify_shop(db.session, body_id, unit_id, by_id=organiser_id)

    outcomes = _run_50(app, certify)
    assert outcomes.count("ok") == 1 and outcomes.count("refused") == 49
    assert db.session.scalar(sa.select(sa.func.count()).where(Shop.unit_id == unit_id)) == 1
    assert db.session.get(Body, body_id) is not None
