"""One agenda item run on phones and the projector (issue 18).

Hands for and against, the queue alternating, a speech running over time, an amendment moved,
seconded and adopted, and the amended motion voted with one seat standing aside and one proxy
handed from a phone.
"""

from datetime import datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import AgendaItem, Meeting, Motion, SpeechRequest, SpeechStatus
from tests.browser.conftest import PHONE, PROJECTOR, sign_in
from tests.factories import make_body, make_convener, make_meeting, make_user

RULE = {
    "weighting": "seat",
    "base": "present",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}
MAIN = "同意沿街商户开放共享厕所，开放时间为每天8点至20点"
AMENDED = "同意沿街商户开放共享厕所，开放时间为每天7点至22点"


def _chair_section(page, base, meeting, section):
    """Load the convener's page afresh on one section (a new query, not just a new #fragment)."""
    page.goto(f"{base}/meetings/{meeting.id}/manage?section={section}#sec-{section}")


def _setup():
    """华兴街-like body of 6 seats, five members, a sitting meeting on one decision item."""
    body = make_body(
        "huaxing",
        constituencies=[("社区", 3, None, False), ("商户", 3, None, False)],
        rule=RULE,
        holders=False,
    )
    body.floor_rules = {"minutes_per_speech": 1}
    names = ["王秀英", "李建国", "张丽华", "锦华物业", "陈小梅"]
    seats = [s for c in body.constituencies for s in c.seat_list]
    people = []
    for seat, name in zip(seats, names, strict=False):
        person = make_user(name)
        seat.holder_id = person.id
        people.append(person)
    convener = make_convener(body)
    meeting = make_meeting(body, status="in_session", starts_at=datetime(2026, 12, 1, 6, 30))
    item = AgendaItem(
        meeting_id=meeting.id,
        position=1,
        title="沿街商户开放共享厕所",
        kind="decision",
        description="华兴街 12 家商户愿意开放店内厕所，街道补贴保洁费。",
    )
    db.session.add(item)
    db.session.commit()
    meeting = db.session.get(Meeting, meeting.id)
    meeting.current_item_id = item.id
    db.session.commit()
    return body, convener, meeting, item, people


def test_one_agenda_item_on_phones_and_the_projector(
    live_server, open_context, shot, assert_accessible, ctx
):
    """Hands alternate, a speech runs over, an amendment is adopted, the motion is voted."""
    body, convener, meeting, item, people = _setup()
    wang, li, zhang, wuye, chen = people
    room = f"/meetings/{meeting.id}/room"

    chair = open_context(PHONE).new_page()
    sign_in(chair, live_server, convener.username, f"/meetings/{meeting.id}/manage")
    screen = open_context(PROJECTOR).new_page()
    sign_in(screen, live_server, convener.username, f"/meetings/{meeting.id}/projector")

    phones = {}
    for person in people:
        page = open_context(PHONE).new_page()
        sign_in(page, live_server, person.username, room)
        page.get_by_role("button", name="我到了，签到").click()
        expect(page.locator(".checked-in")).to_contain_text("您已签到")
        phones[person.name] = page
    expect(screen.locator(".quorum")).to_contain_text("已达到法定人数", timeout=8_000)

    # Hands: 王 for, 张 for, 李 against: the queue alternates 王, 李, 张.
    phones["王秀英"].get_by_role("button", name="举手 · 正方（赞成）").click()
    expect(phones["王秀英"].locator(".room-my-place")).to_contain_text("排在第 1 位")
    phones["张丽华"].get_by_role("button", name="举手 · 正方（赞成）").click()
    phones["李建国"].get_by_role("button", name="举手 · 反方（反对）").click()
    expect(phones["李建国"].locator(".room-my-place")).to_contain_text("排在第 2 位")
    expect(phones["张丽华"].locator(".room-my-place")).to_contain_text("排在第 3 位", timeout=8_000)
    assert_accessible(phones["张丽华"], "会场 with a raised hand")
    shot(phones["张丽华"], "floor-room-phone", full_page=True)

    _chair_section(chair, live_server, meeting, "speakers")
    chair.get_by_role("button", name="请下一位发言").click()
    expect(screen.locator(".projector-speaker-name")).to_have_text("王秀英", timeout=8_000)
    expect(screen.locator(".projector-countdown")).to_contain_text("剩余 ")
    expect(screen.locator(".projector-queue li").first).to_contain_text("李建国")
    # The minute runs out: the speech started 70 seconds ago.
    db.session.rollback()  # end this session's read snapshot before writing (SQLite WAL)
    speech = db.session.scalar(
        sa.select(SpeechRequest).where(SpeechRequest.status == SpeechStatus.SPEAKING)
    )
    speech.started_at -= timedelta(seconds=70)
    db.session.commit()
    expect(screen.locator(".projector-countdown")).to_contain_text("超时 0:1", timeout=8_000)
    shot(screen, "floor-projector-speaker")
    assert_accessible(screen, "projector with a speaker")
    chair.get_by_role("button", name="请下一位发言").click()
    expect(screen.locator(".projector-speaker-name")).to_have_text("李建国", timeout=8_000)
    expect(screen.locator(".projector-queue li").first).to_contain_text("张丽华")
    chair.get_by_role("button", name="结束发言").click()

    # 王 moves the motion, 李 seconds it, the convener admits it.
    wang_phone = phones["王秀英"]
    wang_phone.goto(f"{live_server}{room}")
    wang_phone.get_by_text("提出动议", exact=True).first.click()
    wang_phone.get_by_label("动议内容").fill(MAIN)
    wang_phone.get_by_role("button", name="提出动议").click()
    li_phone = phones["李建国"]
    li_phone.goto(f"{live_server}{room}")
    li_phone.get_by_role("button", name="我附议").click()
    _chair_section(chair, live_server, meeting, "votes")
    chair.get_by_role("button", name="列入表决").click()

    # 张 moves an amendment (the whole text as amended), 王 seconds, the convener admits it.
    zhang_phone = phones["张丽华"]
    zhang_phone.goto(f"{live_server}{room}")
    zhang_phone.get_by_text("提出修正案", exact=True).first.click()
    zhang_phone.get_by_label("修改后的动议全文").fill(AMENDED)
    zhang_phone.get_by_role("button", name="提出修正案").click()
    wang_phone.goto(f"{live_server}{room}")
    wang_phone.get_by_role("button", name="我附议").click()
    _chair_section(chair, live_server, meeting, "votes")
    chair.get_by_role("button", name="列入表决").click()
    db.session.rollback()
    main = db.session.scalar(sa.select(Motion).where(Motion.text == MAIN))
    amendment = db.session.scalar(sa.select(Motion).where(Motion.text.startswith("修正案")))

    # The amendment is voted first: the main motion cannot open yet.
    chair.goto(f"{live_server}/motions/{main.id}")
    chair.get_by_role("button", name="开始表决").click()
    expect(chair.get_by_text("修正案要先表决")).to_be_visible()
    chair.goto(f"{live_server}/motions/{amendment.id}")
    chair.get_by_role("button", name="开始表决").click()
    for name in ("王秀英", "李建国", "张丽华", "锦华物业", "陈小梅"):
        page = phones[name]
        page.goto(f"{live_server}{room}")
        page.get_by_role("button", name="✓ 赞成").first.click()
        page.get_by_role("button", name="确认：赞成").first.click()
        expect(page.locator(".ballot-done").first).to_contain_text("您已投")
    chair.goto(f"{live_server}/motions/{amendment.id}")
    chair.get_by_role("link", name="结束表决并计票").click()
    chair.get_by_role("button", name="确认：结束表决并计票").click()
    expect(chair.locator(".result-word").first).to_contain_text("通过")

    # The property company stands aside; 陈 hands her vote to 王 from her phone.
    wuye_phone = phones["锦华物业"]
    wuye_phone.goto(f"{live_server}{room}")
    wuye_phone.get_by_text("本议题我需要回避").click()
    wuye_phone.get_by_label("回避理由").fill("本公司承担保洁，利益相关")
    wuye_phone.get_by_role("button", name="登记回避").click()
    expect(wuye_phone.get_by_text("在本议题上已回避").first).to_be_visible()
    chen_phone = phones["陈小梅"]
    chen_phone.goto(f"{live_server}{room}")
    chen_phone.get_by_text("我要先走，委托他人代我表决").click()
    chen_phone.get_by_label("受托人（须已签到）").select_option(label="王秀英（已签到）")
    chen_phone.get_by_role("button", name="提交委托").click()
    expect(chen_phone.locator(".room-proxy")).to_contain_text("王秀英： 等召集人批准")
    _chair_section(chair, live_server, meeting, "seats")
    chair.get_by_role("button", name="批准").first.click()
    shot(chair, "floor-convener-sections-phone", full_page=False)
    assert_accessible(chair, "convener's sections on a phone")

    # The amended motion is voted: 王 votes his seat and 陈's; the property company cannot.
    db.session.rollback()
    assert db.session.get(Motion, main.id).text == AMENDED
    chair.goto(f"{live_server}/motions/{main.id}")
    chair.get_by_role("button", name="开始表决").click()
    wang_phone.goto(f"{live_server}{room}")
    expect(wang_phone.get_by_text("您受托代以下席位表决")).to_be_visible()
    expect(wang_phone.locator(".ballot-motion")).to_contain_text(AMENDED)
    for _ in range(2):
        card = wang_phone.locator(".ballot-card:not(.done)").first
        card.get_by_role("button", name="✓ 赞成").click()
        wang_phone.get_by_role("button", name="确认：赞成").first.click()
        wang_phone.wait_for_timeout(300)
    expect(wang_phone.locator(".ballot-card.done")).to_have_count(2)
    wuye_phone.goto(f"{live_server}{room}")
    expect(wuye_phone.locator(".ballot-card")).to_contain_text("已回避")
    expect(wuye_phone.locator(".ballot-card .vote-button")).to_have_count(0)
    li_phone.goto(f"{live_server}{room}")
    li_phone.get_by_role("button", name="✗ 反对").click()
    li_phone.get_by_role("button", name="确认：反对").click()
    zhang_phone.goto(f"{live_server}{room}")
    zhang_phone.get_by_role("button", name="✓ 赞成").click()
    zhang_phone.get_by_role("button", name="确认：赞成").click()
    expect(zhang_phone.locator(".ballot-done")).to_contain_text("您已投")
    zhang_phone.get_by_role("button", name="长辈版").click()
    expect(zhang_phone.locator("html")).to_have_class("large-text")
    shot(zhang_phone, "floor-room-phone-large", full_page=True)
    assert_accessible(zhang_phone, "会场 in 长辈版")
    chair.goto(f"{live_server}/motions/{main.id}")
    chair.get_by_role("link", name="结束表决并计票").click()
    chair.get_by_role("button", name="确认：结束表决并计票").click()
    expect(chair.locator(".result-word").first).to_contain_text("通过")
    db.session.rollback()
    frozen = db.session.get(Motion, main.id).frozen
    # 5 present (陈 through her proxy), 1 stood aside: 3 yes of 4 on the present base.
    assert frozen["recused"] == {"社区": 0, "商户": 1}
    assert frozen["result"]["base"] == "4" and frozen["result"]["ratio"] == "3/4"
