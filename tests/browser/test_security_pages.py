"""Security pages in a real browser: 退出所有设备 on the member page, the published audit head."""

import sqlalchemy as sa
from playwright.sync_api import expect

from app import audit
from app.extensions import db
from app.models import User
from tests.browser.conftest import LAPTOP, sign_in
from tests.factories import make_body


def test_member_signs_out_on_every_device(live_server, open_context, shot, assert_accessible, ctx):
    """The button is big and clear; pressing it on the phone signs the laptop out too."""
    make_body(constituencies=[("merchant", 1, None, False)])
    audit.record("demo.seeded", None)
    db.session.commit()
    phone_number = db.session.scalar(sa.select(User.phone).join(User.seats))
    phone = open_context().new_page()
    laptop = open_context(LAPTOP).new_page()
    sign_in(phone, live_server, phone_number)
    sign_in(laptop, live_server, phone_number)
    button = phone.get_by_role("button", name="退出所有设备")
    button.scroll_into_view_if_needed()
    assert button.bounding_box()["height"] >= 44
    assert_accessible(phone, "me with end-all-sessions")
    shot(phone, "security-me-end-sessions-phone", full_page=True)
    shot(laptop, "security-me-end-sessions-laptop", full_page=True)
    button.click()
    expect(phone.locator("body")).to_contain_text("已在所有设备上退出登录")
    laptop.goto(live_server + "/me")
    assert "/sign-in" in laptop.url


def test_board_publishes_the_audit_head_readably(
    live_server, open_context, shot, assert_accessible, ctx
):
    """The head is on the home page, wraps on a phone and never widens the page."""
    make_body(constituencies=[("merchant", 1, None, False)])
    audit.record("demo.seeded", None)
    db.session.commit()
    head = str(audit.head(db.session))
    for name, viewport in (("phone", None), ("laptop", LAPTOP)):
        page = (open_context(viewport) if viewport else open_context()).new_page()
        page.goto(live_server + "/")
        assert head in page.content()
        section = page.locator(".audit-head")
        section.scroll_into_view_if_needed()
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= page.viewport_size["width"]
        assert_accessible(page, f"home with audit head, {name}")
        shot(page, f"security-audit-head-{name}")
