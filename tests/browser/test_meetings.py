"""Meetings in a real browser: the agenda builder, a phone checking in, the projector updating."""

from datetime import datetime

from playwright.sync_api import expect

from app.extensions import db
from app.models import AgendaItem, Meeting
from tests.browser.conftest import LAPTOP, PROJECTOR, sign_in
from tests.factories import PASSWORD, make_body, make_convener, make_meeting, make_user

RULE = {
    "weighting": "seat",
    "base": "cast",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}


def test_convener_builds_the_agenda_with_htmx(
    live_server, open_context, shot, assert_accessible, ctx
):
    """Adding and moving items swaps only the builder; the order is kept after a reload."""
    body = make_body("huaxing", constituencies=[("商户", 2, None, True)], holders=False)
    convener = make_convener(body)
    meeting = make_meeting(body, starts_at=datetime(2026, 12, 1, 6, 30))
    page = open_context(LAPTOP).new_page()
    sign_in(page, live_server, convener.username, f"/meetings/{meeting.id}/manage")
    assert_accessible(page, "agenda builder, empty")
    for title in ("上季度督办通报", "夜间垃圾清运"):
        page.get_by_label("议程名称").fill(title)
        page.get_by_role("button", name="添加到议程").click()
        expect(page.locator(".builder-item").filter(has_text=title)).to_be_visible()
    page.evaluate("window.notReloaded = true")
    page.locator(".builder-item").nth(1).get_by_role("button", name="上移").click()
    expect(page.locator(".builder-item").first).to_contain_text("夜间垃圾清运")
    assert page.evaluate("window.notReloaded") is True
    assert_accessible(page, "agenda builder")
    page.reload()
    expect(page.locator(".builder-item").first).to_contain_text("夜间垃圾清运")


def test_phone_checks_in_and_the_projector_follows(
    live_server, open_context, shot, assert_accessible, ctx
):
    """A member scans the QR, signs in, taps once; the projector's presence updates by itself."""
    body = make_body("huaxing", constituencies=[("商户", 2, None, True)], rule=RULE, holders=False)
    convener = make_convener(body)
    member = make_user("王秀英")
    seat = body.constituencies[0].seat_list[0]
    seat.holder_id = member.id
    meeting = make_meeting(body, status="in_session", starts_at=datetime(2026, 12, 1, 6, 30))
    db.session.add(AgendaItem(meeting_id=meeting.id, position=1, title="共享厕所", kind="decision"))
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    meeting.current_item_id = meeting.items[0].id
    db.session.commit()

    screen = open_context(PROJECTOR).new_page()
    sign_in(screen, live_server, convener.username, f"/meetings/{meeting.id}/projector")
    expect(screen.locator(".projector-title")).to_have_text("共享厕所")
    expect(screen.locator(".quorum")).to_contain_text("未达到法定人数（还差 2 席）")
    assert_accessible(screen, "projector")

    phone = open_context().new_page()
    phone.goto(f"{live_server}/checkin/{meeting.checkin_token}")
    # Not signed in in this browser: told about the personal link, with a way to sign in.
    expect(phone.get_by_text("您在这个浏览器还没有登录")).to_be_visible()
    phone.get_by_role("link", name="用手机号和密码登录").click()
    phone.get_by_label("手机号或用户名").fill(member.username)
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.get_by_role("button", name="我到了，签到").click()
    expect(phone.locator(".checked-in")).to_contain_text("您已签到 ✓")
    assert_accessible(phone, "checked in on a phone")

    expect(screen.locator(".quorum")).to_contain_text("还差 1 席", timeout=8_000)
