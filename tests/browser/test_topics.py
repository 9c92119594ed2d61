"""Topics in a real browser: a resident submits from a phone, a convener triages with htmx."""

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Topic
from app.topics import submission
from tests.browser.conftest import LAPTOP, sign_in
from tests.factories import make_body, make_convener


def test_resident_submits_from_a_phone_and_follows(
    live_server, open_context, shot, assert_accessible, ctx
):
    """Bad input is answered next to the field, then the receipt and follow link show the status."""
    make_body("huaxing", holders=False)
    page = open_context().new_page()
    page.goto(live_server + "/b/huaxing/topics/new")
    assert_accessible(page, "topic form")
    page.get_by_label("详细说说").fill("晚上路灯不亮，老人出门看不清台阶。")
    page.get_by_role("button", name="提交议题").click()
    assert "请写一个标题" in page.locator("#title-error").inner_text()
    assert page.get_by_label("详细说说").input_value() == "晚上路灯不亮，老人出门看不清台阶。"
    assert_accessible(page, "topic form with errors")

    page.get_by_label("一句话说清是什么事").fill("小区门口路灯坏了")
    page.get_by_label("属于哪一类").select_option("安全")
    page.get_by_label("手机号（可不填）").fill("13812345678")
    page.get_by_role("button", name="提交议题").click()
    expect(page.locator("h1")).to_contain_text("提交成功")
    assert "HUAXING-" in page.locator(".receipt-no").inner_text()
    assert_accessible(page, "receipt")
    shot(page, "topics-receipt-phone")

    page.goto(page.url.split("?")[0])
    assert "待处理" in page.locator(".card .status").inner_text()
    assert "13812345678" not in page.content()


def test_convener_triages_without_page_reloads(
    live_server, open_context, shot, assert_accessible, ctx
):
    """Filters and actions swap only the list or the row; a missing reason is said in the row."""
    body = make_body("huaxing", holders=False)
    convener = make_convener(body)
    fields = {
        "description": "说明",
        "category": "设施",
        "location": "",
        "submitter_name": "",
        "submitter_phone": "",
    }
    for title in ("路灯坏了", "垃圾没人收"):
        submission.submit(db.session, body, fields | {"title": title}, year=2026)
    db.session.commit()

    page = open_context(LAPTOP).new_page()
    sign_in(page, live_server, convener.username, "/b/huaxing/triage")
    expect(page.locator("h1")).to_contain_text("议题分拣")
    assert_accessible(page, "triage")
    page.evaluate("window.__sameDocument = true")

    first = page.locator(".triage-row").first
    first.get_by_role("button", name="受理").click()
    expect(page.locator(".triage-row .status").first).to_have_text("已受理")

    second = page.locator(".triage-row").nth(1)
    second.locator("summary", has_text="不予受理并说明理由").click()
    second.get_by_role("button", name="确认不予受理").click()
    page.wait_for_selector(".triage-row .field-error")
    assert "请选择一个理由" in page.locator(".triage-row .field-error").inner_text()
    row = page.locator(".triage-row").nth(1)
    row.get_by_label("不予受理的理由（会公开显示）").select_option("outside_remit")
    row.get_by_role("button", name="确认不予受理").click()
    expect(page.locator(".triage-row").nth(1)).to_contain_text("不属于本联席会议的职责范围")
    assert_accessible(page, "triage after actions")

    page.get_by_label("状态").select_option("accepted")
    expect(page.locator(".triage-row")).to_have_count(1)
    assert page.evaluate("window.__sameDocument") is True
    assert "status=accepted" in page.url
    shot(page, "topics-triage-laptop-after")
    db.session.rollback()  # end the test's read snapshot, then look again
    statuses = sorted(db.session.scalars(sa.select(Topic.status)))
    assert statuses == ["accepted", "declined"]
