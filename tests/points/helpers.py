"""Helpers for the points tests: a body with a certified shop, an offer and a volunteer."""

from decimal import Decimal

from app.extensions import db
from app.points import ledger
from tests.factories import make_body, make_convener, make_unit, make_user


def points_world(offer_points="30"):
    """A body, two organisers, a shop with staff and one offer, and a volunteer's account."""
    body = make_body(constituencies=[("community", 1, None, False)], holders=False)
    organiser, checker = make_convener(body), make_convener(body)
    clerk = make_user("店员", password=None)
    unit = make_unit(clerk)
    shop = ledger.certify_shop(db.session, body.id, unit.id, by_id=organiser.id)
    offer = ledger.publish_offer(db.session, shop, title="茶饮九折", points=Decimal(offer_points))
    volunteer = make_user("志愿者", password=None)
    account = ledger.account_for(db.session, body.id, volunteer.id)
    db.session.commit()
    return {
        "body": body,
        "organiser": organiser,
        "checker": checker,
        "clerk": clerk,
        "unit": unit,
        "shop": shop,
        "offer": offer,
        "volunteer": volunteer,
        "account": account,
    }


def earn(world, hours="3", when=None):
    """Record and confirm service hours for the world's volunteer; return the earning entry."""
    from datetime import date, datetime

    record = ledger.record_service(
        db.session,
        world["account"],
        served_on=date(2026, 11, 1),
        hours=Decimal(hours),
        description="街区巡查",
        recorded_by_id=world["organiser"].id,
    )
    entry = ledger.confirm_service(
        db.session, record, confirmed_by_id=world["checker"].id, now=when or datetime(2026, 11, 2)
    )
    db.session.commit()
    return entry
