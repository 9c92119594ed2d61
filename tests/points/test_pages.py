"""The points pages: recording and confirming service, a volunteer's QR, a shop redeeming it."""

from decimal import Decimal

import sqlalchemy as sa

from app.extensions import db
from app.models import LedgerEntry, ServiceRecord
from app.points import ledger
from tests.factories import make_user
from tests.points.helpers import earn, points_world


def test_service_is_recorded_by_one_and_confirmed_by_another(ctx, client, login_as):
    """An unknown phone is said beside the field; the recorder cannot confirm; another can."""
    world = points_world()
    world["volunteer"].phone = "13900001111"
    db.session.commit()
    login_as(world["organiser"])
    url = f"/bodies/{world['body'].slug}/points/service"
    form = {"phone": "13900002222", "served_on": "2026-11-01", "hours": "2", "description": "巡河"}
    bad = client.post(url, data=form)
    assert bad.status_code == 422 and "没有这个手机号的账号" in bad.get_data(as_text=True)
    assert client.post(url, data=form | {"phone": "13900001111"}).status_code == 303
    record = db.session.scalar(sa.select(ServiceRecord))
    client.post(f"/service-records/{record.id}/confirm")
    assert db.session.get(ServiceRecord, record.id).status == "recorded"
    login_as(world["checker"])
    assert client.post(f"/service-records/{record.id}/confirm").status_code == 303
    assert ledger.balance(db.session, world["account"].id) == Decimal("20.00")


def test_the_volunteer_shows_a_qr_and_the_shop_redeems(ctx, client, login_as):
    """The QR opens the shop's redeem page; a redemption is a spend entry; overdraw is refused."""
    world = points_world(offer_points="25")
    earn(world, hours="3")
    login_as(world["volunteer"])
    mine = client.get(f"/bodies/{world['body'].slug}/my-points").get_data(as_text=True)
    assert "余额 30.00 分" in mine and "<svg" in mine and "茶饮九折" in mine
    code = world["account"].code
    login_as(world["clerk"])
    scan = client.get(f"/r/{code}")
    assert scan.status_code == 200 and "余额 30.00 分" in scan.get_data(as_text=True)
    done = client.post(f"/r/{code}", data={"offer": world["offer"].id})
    assert done.status_code == 303
    again = client.post(f"/r/{code}", data={"offer": world["offer"].id})
    assert again.status_code == 422 and "积分不够" in again.get_data(as_text=True)
    assert ledger.balance(db.session, world["account"].id) == Decimal("5.00")
    shop = client.get(f"/shops/{world['shop'].id}").get_data(as_text=True)
    assert "最近一天：1 位顾客，兑换 1 次" in shop


def test_only_the_shops_staff_redeem(ctx, client, login_as):
    """A member or the volunteer themself cannot redeem at the shop (403), nothing is spent."""
    world = points_world(offer_points="5")
    earn(world, hours="1")
    code = world["account"].code
    for person in (world["volunteer"], make_user("别家店员", password=None)):
        login_as(person)
        assert client.post(f"/r/{code}", data={"offer": world["offer"].id}).status_code == 403
    assert ledger.balance(db.session, world["account"].id) == Decimal("10.00")


def test_a_reversal_through_the_page_needs_a_reason(ctx, client, login_as):
    """Without a reason nothing happens; with one, a new opposite entry is added."""
    world = points_world()
    entry = earn(world, hours="1")
    login_as(world["organiser"])
    client.post(f"/ledger/{entry.id}/reverse", data={"reason": ""})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 1
    client.post(f"/ledger/{entry.id}/reverse", data={"reason": "录错人了"})
    assert ledger.balance(db.session, world["account"].id) == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(LedgerEntry)) == 2


def test_a_shop_publishes_an_offer_with_checked_input(ctx, client, login_as):
    """Zero points is refused beside the field; a good offer is listed."""
    world = points_world()
    login_as(world["clerk"])
    url = f"/shops/{world['shop'].id}/offers"
    bad = client.post(url, data={"title": "免费充电", "points": "0"})
    assert bad.status_code == 422 and "积分要大于 0" in bad.get_data(as_text=True)
    assert client.post(url, data={"title": "免费充电", "points": "1"}).status_code == 303
    assert "免费充电" in client.get(f"/shops/{world['shop'].id}").get_data(as_text=True)


def test_the_convener_sets_the_rate_for_service_confirmed_from_now_on(ctx, client, login_as):
    """A bad rate is said beside the field; a new rate leaves credited points as they were."""
    world = points_world()
    earn(world, hours="1")  # 10 points at the default rate
    login_as(world["organiser"])
    url = f"/bodies/{world['body'].slug}/points/rate"
    bad = client.post(url, data={"points_per_hour": "0"})
    assert bad.status_code == 422 and "积分要大于 0" in bad.get_data(as_text=True)
    assert client.post(url, data={"points_per_hour": "12.5"}).status_code == 303
    earn(world, hours="2")
    assert ledger.balance(db.session, world["account"].id) == Decimal("35.00")
