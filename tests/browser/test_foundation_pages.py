"""The home page, sign-in, preferences and the member page in a real browser, checked by axe."""

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import User
from tests.browser.conftest import LAPTOP
from tests.factories import PASSWORD, make_body


def test_resident_reads_the_board_and_member_signs_in(
    live_server, open_context, shot, assert_accessible, ctx
):
    """A phone visitor sees the Chinese board, turns on 长辈版, switches language and signs in."""
    body = make_body(constituencies=[("merchant", 1, None, False)])
    member = db.session.scalar(sa.select(User).join(User.seats))
    phone = member.phone
    assert body.id

    page = open_context().new_page()
    page.goto(live_server + "/")
    assert page.locator("h1").inner_text() == "议事公示栏"
    assert_accessible(page, "home")
    shot(page, "foundation-home-phone")

    page.get_by_role("button", name="长辈版").click()
    expect(page.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    font_px = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert font_px >= 18
    sizes = page.evaluate(
        "[...document.querySelectorAll('button, a.button')]"
        ".map(e => e.getBoundingClientRect().height)"
    )
    assert min(sizes) >= 60
    assert_accessible(page, "home, large text")

    page.get_by_role("link", name="登录").first.click()
    page.get_by_label("手机号或用户名").fill(phone)
    page.get_by_label("密码").fill("wrong password")
    page.get_by_role("button", name="登录").last.click()
    expect(page.locator("main")).to_contain_text("手机号（用户名）或密码不正确")
    assert page.get_by_label("手机号或用户名").input_value() == phone
    assert_accessible(page, "sign-in with error")
    shot(page, "foundation-sign-in-error-large-phone")

    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").last.click()
    expect(page.locator("h1")).to_contain_text("您好")
    assert_accessible(page, "me")

    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("body")).to_contain_text("My seats")


def test_laptop_home_is_accessible(live_server, open_context, shot, assert_accessible):
    """The board at laptop size passes axe too."""
    page = open_context(LAPTOP).new_page()
    page.goto(live_server + "/")
    assert_accessible(page, "home laptop")
    shot(page, "foundation-home-laptop")
