"""Body set-up in a real browser: the HTMX seat suggestion, the roster warning and axe checks."""

from playwright.sync_api import expect

from tests.browser.conftest import LAPTOP, sign_in
from tests.factories import make_body, make_convener


def test_convener_sets_up_seats_and_rule(live_server, open_context, shot, assert_accessible, ctx):
    """A convener gets 10/8/5 for 23 seats through htmx, applies it and picks 双过半."""
    body = make_body(
        constituencies=[
            ("merchant", 1, "2/5", True),
            ("resident", 1, "7/20", False),
            ("official", 1, "1/4", False),
        ],
        holders=False,
    )
    convener = make_convener(body)
    page = open_context(LAPTOP).new_page()
    sign_in(page, live_server, convener.username)
    page.goto(f"{live_server}/b/{body.slug}/setup")
    assert_accessible(page, "setup")

    page.get_by_label("总席位数").fill("23")
    page.get_by_role("button", name="算一算").click()
    page.wait_for_selector("table.suggestion")
    assert page.url.endswith("/setup")  # swapped in place by htmx, no page load
    suggested = page.locator("strong.suggested").all_inner_texts()
    assert suggested == ["10", "8", "5"]
    assert_accessible(page, "setup with suggestion")
    page.get_by_role("button", name="按建议调整席位").click()
    expect(page.locator("body")).to_contain_text("已按建议调整席位，共 23 席")

    page.goto(f"{live_server}/b/{body.slug}/roster")
    assert page.locator(".seat").count() == 23
    assert_accessible(page, "roster")

    page.goto(f"{live_server}/b/{body.slug}/rule")
    page.get_by_label("双过半").check()
    page.get_by_role("button", name="保存表决规则").click()
    expect(page.locator("body")).to_contain_text("须有超过全体席位一半的成员出席")
    assert_accessible(page, "setup after saving the rule")
    page.goto(f"{live_server}/b/{body.slug}/rule")
    assert_accessible(page, "rule")


def test_phone_roster_warns_in_words(live_server, open_context, shot, assert_accessible, ctx):
    """On a phone the roster says in words that the merchant minimum is broken."""
    body = make_body(constituencies=[("merchant", 1, "2/5", True), ("resident", 2, "3/5", False)])
    convener = make_convener(body)
    page = open_context().new_page()
    sign_in(page, live_server, convener.username)
    page.goto(f"{live_server}/b/{body.slug}/roster")
    assert "不符合最低配额" in page.locator(".quota-warning").inner_text()
    assert_accessible(page, "roster phone")
    shot(page, "bodies-roster-warning-phone")
