"""Owners' decisions in a real browser: a phone votes with confirmation, paper ballots, 公示."""

import re
from datetime import timedelta

from playwright.sync_api import expect

from app import clock
from app.extensions import db
from app.models import Convener, OwnerDecision
from tests.browser.conftest import LAPTOP, sign_in
from tests.factories import make_user
from tests.owners.helpers import code_for, make_compound, make_decision


def test_owner_votes_paper_is_confirmed_and_the_notice_appears(
    live_server, open_context, shot, assert_accessible, ctx
):
    """An owner votes by phone; a paper ballot is confirmed by a second person; 公示 after close.

    The phone reads the proposal, votes with a confirmation step and gets a receipt; 长辈版 keeps
    the buttons at least 60 px.
    """
    body, convener, owners = make_compound()
    second = make_user("复核人")
    db.session.add(Convener(body_id=body.id, user_id=second.id))
    db.session.commit()
    decision = make_decision(
        body,
        matter="major",
        title="3号楼电梯更新",
        text="3号楼两部电梯已运行二十年。提请表决：使用维修资金更换两部电梯，预算 96 万元。",
    )
    decision_id = decision.id
    code = code_for(owners["a"])

    phone = open_context().new_page()
    phone.goto(f"{live_server}/o/{code}/d/{decision_id}")
    expect(phone.locator(".proposal")).to_contain_text("更换两部电梯")
    expect(phone.get_by_text("1-101、1-102、1-103")).to_be_visible()
    assert_accessible(phone, "owner's ballot")
    shot(phone, "owners-ballot-phone", full_page=True)
    phone.get_by_role("button", name="同意").click()
    expect(phone.locator(".confirm-question")).to_contain_text("您选择了：同意")
    shot(phone, "owners-confirm-phone", full_page=True)
    phone.get_by_role("button", name="确认提交").click()
    expect(phone.locator(".receipt")).to_contain_text("已记录您的意见：同意")
    assert_accessible(phone, "owner's receipt")
    shot(phone, "owners-receipt-phone", full_page=True)

    elder = open_context().new_page()
    elder.goto(f"{live_server}/o/{code_for(owners['b'])}/d/{decision_id}")
    elder.get_by_role("button", name="长辈版").click()
    expect(elder.locator("html")).to_have_class(re.compile(r"\blarge-text\b"))
    button = elder.get_by_role("button", name="反对").bounding_box()
    assert button["height"] >= 60 and button["width"] >= 60
    assert_accessible(elder, "owner's ballot, 长辈版")
    shot(elder, "owners-ballot-phone-large", full_page=True)

    laptop = open_context(LAPTOP).new_page()
    sign_in(laptop, live_server, convener.username, f"/owners/decisions/{decision_id}/paper")
    laptop.get_by_label("表决票编号").fill("0007")
    laptop.get_by_label("房号（楼栋-单元-房号）").fill("2-102")
    laptop.get_by_label("表决意见").select_option("yes")
    laptop.get_by_role("button", name="录入（待另一人复核）").click()
    expect(laptop.get_by_role("button", name="复核无误，计入")).to_be_visible()
    checker = open_context(LAPTOP).new_page()
    sign_in(checker, live_server, second.username, f"/owners/decisions/{decision_id}/paper")
    checker.get_by_role("button", name="复核无误，计入").click()
    expect(checker.get_by_role("status")).to_contain_text("纸质表决票已复核并计入")
    assert_accessible(checker, "paper ballots")
    shot(checker, "owners-paper-laptop", full_page=True)

    progress = open_context().new_page()
    progress.goto(f"{live_server}/owners/decisions/{decision_id}")
    expect(progress.locator(".owners-progress")).to_contain_text("已参与业主：2 / 4")
    assert "同意" not in progress.locator(".owners-progress").inner_text()
    assert_accessible(progress, "progress during the window")
    shot(progress, "owners-progress-phone", full_page=True)

    db.session.rollback()  # end the test's own read snapshot (SQLite WAL) before writing
    db.session.get(OwnerDecision, decision_id).closes_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    board = open_context().new_page()
    board.goto(f"{live_server}/b/{body.slug}/owners/decisions")
    board.get_by_role("link", name="3号楼电梯更新").click()
    notice = board.locator(".owners-result")
    expect(notice).to_contain_text("表决结果公示")
    expect(notice).to_contain_text("未通过")
    expect(notice).to_contain_text("《中华人民共和国民法典》第二百七十八条")
    assert_accessible(board, "result notice")
    shot(board, "owners-result-phone", full_page=True)
    printable = open_context(LAPTOP).new_page()
    printable.goto(f"{live_server}/owners/decisions/{decision_id}/notice")
    shot(printable, "owners-result-print-laptop", full_page=True)
