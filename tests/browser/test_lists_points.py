"""The lists and points in a browser, on phones: offer, propose, approve a batch, earn, redeem."""

import shutil
from datetime import date

import sqlalchemy as sa
from playwright.sync_api import expect

from app.demo import DEMO_PASSWORD
from app.extensions import db
from app.models import Attendance, Convener, PointsAccount, Shop, UnitStaff
from tests.browser.conftest import ARTIFACTS, LAPTOP, sign_in
from tests.factories import make_body, make_meeting, make_unit, make_user
from tests.lists.helpers import make_need

DOCS = ARTIFACTS.parents[1] / "docs" / "screenshots"
SIMPLE = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}


def _docs_shot(shot, page, name, full_page=True):
    path = shot(page, name, full_page=full_page)
    DOCS.mkdir(parents=True, exist_ok=True)
    shutil.copy(path, DOCS / f"{name}.png")


def test_offer_project_batch_vote_and_points_on_phones(
    live_server, open_context, shot, assert_accessible, ctx
):
    """A merchant offers, proposes and votes; the batch is approved; points earned and redeemed."""
    body = make_body("jiefang", constituencies=[("shanghu", 2, None, False)], rule=SIMPLE)
    merchant = body.constituencies[0].seat_list[0].holder
    merchant.name, merchant.username = "张老板", "zhanglaoban"
    convener, checker = make_user("召集人", username="zhao"), make_user("复核人", username="li")
    make_user("刘阿姨", username="liuayi", phone="13700000001")
    db.session.add_all([Convener(body_id=body.id, user_id=u.id) for u in (convener, checker)])
    meeting = make_meeting(body, status="in_session", title="十二月联席会议")
    db.session.add(
        Attendance(
            meeting_id=meeting.id,
            seat_id=body.constituencies[0].seat_list[0].id,
            user_id=merchant.id,
            method="qr",
        )
    )
    lead = make_unit()
    lead.name = "街道城管科"
    tea = make_unit()
    tea.name = "老字号茶铺"
    db.session.add(UnitStaff(unit_id=tea.id, user_id=merchant.id))
    db.session.add(Shop(body_id=body.id, unit_id=tea.id, certified_by_id=convener.id))
    make_need(body, title="商户门口缺少休息座椅", category="设施")
    db.session.commit()
    base, lists = live_server, f"/bodies/{body.slug}/lists"

    boss = sign_in(open_context().new_page(), base, "zhanglaoban", lists)
    boss.locator("summary", has_text="我来提供资源").click()
    boss.get_by_label("提供方（单位、商户或个人）").fill("老字号茶铺")
    boss.get_by_label("提供方类型").select_option("merchant")
    boss.get_by_label("资源类型").select_option("goods")
    boss.get_by_label("资源内容").fill("长条木椅")
    boss.get_by_label("数量或金额").fill("0")
    boss.get_by_label("联系人和电话").fill("张老板 13910000213")
    boss.get_by_role("button", name="登记资源").click()
    assert "请填写大于 0 的数量或金额" in boss.locator("#resource-quantity-error").inner_text()
    assert boss.get_by_label("资源内容").input_value() == "长条木椅"
    boss.get_by_label("数量或金额").fill("6")
    boss.get_by_label("单位（资金一律按元计）").fill("张")
    boss.get_by_role("button", name="登记资源").click()
    expect(boss.locator("#resources .cards")).to_contain_text("长条木椅")
    assert_accessible(boss, "lists after an offer")

    boss.locator("summary", has_text="提出项目").click()
    boss.get_by_label("项目名称").fill("街口休息座椅")
    boss.get_by_label("牵头单位").select_option(label="街道城管科")
    boss.get_by_label("预算（元）").fill("1800.50")
    boss.get_by_label("计划完成日期").fill("2027-03-31")
    boss.get_by_label("实施方案").fill("茶铺捐 6 张木椅，城管科选址安装。")
    boss.get_by_role("button", name="提出项目").click()
    expect(boss.locator("h1")).to_contain_text("街口休息座椅")
    boss.get_by_label("来自资源清单（可不选）").select_option(label="老字号茶铺：长条木椅")
    boss.get_by_label("认捐数量或金额").fill("6")
    boss.get_by_role("button", name="认捐").click()
    expect(boss.locator("table")).to_contain_text("6 张")
    assert_accessible(boss, "project")

    chair = sign_in(open_context().new_page(), base, "zhao", lists)
    chair.get_by_role("button", name="新建下一批").click()
    chair.get_by_role("button", name="加入本批").click()
    chair.get_by_role("button", name="提交会议表决").click()
    chair.get_by_role("button", name="开始表决").click()
    boss.goto(f"{base}/meetings/{meeting.id}/vote")
    boss.get_by_role("button", name="赞成").first.click()
    boss.get_by_role("button", name="确认：赞成").first.click()
    expect(boss.locator("main")).to_contain_text("赞成")
    chair.reload()
    chair.get_by_role("link", name="结束表决并计票").click()
    chair.get_by_role("button", name="确认：结束表决并计票").click()
    chair.goto(base + lists + "#batches")
    chair.locator("summary", has_text="按表决结果确定本批").click()
    chair.get_by_role("button", name="确认按表决结果确定").click()
    expect(chair.locator("#batches")).to_contain_text("已通过")
    expect(chair.locator("#projects")).to_contain_text("已批准")

    chair.goto(f"{base}/bodies/{body.slug}/points")
    chair.get_by_label("志愿者手机号").fill("13700000001")
    chair.get_by_label("服务日期").fill(date(2026, 11, 20).isoformat())
    chair.get_by_label("服务时长（小时）").fill("3")
    chair.get_by_label("服务内容").fill("街口文明劝导")
    chair.get_by_role("button", name="登记，待复核").click()
    expect(chair.locator("main")).to_contain_text("需由另一位工作人员复核")
    second = sign_in(open_context().new_page(), base, "li", f"/bodies/{body.slug}/points")
    second.get_by_role("button", name="复核无误，计入积分").click()
    expect(second.locator("main")).to_contain_text("没有待复核的服务")
    assert_accessible(second, "points organiser")

    boss.goto(f"{base}/shops/{db.session.scalar(sa.select(Shop.id))}")
    boss.get_by_label("积分可兑换").fill("盖碗茶九折")
    boss.get_by_label("所需积分").fill("20")
    boss.get_by_role("button", name="发布兑换项目").click()
    expect(boss.locator("main")).to_contain_text("盖碗茶九折")

    aunt = sign_in(open_context().new_page(), base, "liuayi", f"/bodies/{body.slug}/my-points")
    expect(aunt.locator(".result-word")).to_contain_text("余额 30.00 分")
    assert aunt.locator(".qr svg").count() == 1
    assert_accessible(aunt, "my points")
    shot(aunt, "points-mine-phone")
    db.session.rollback()  # a fresh read: the account was opened by the server
    code = db.session.scalar(sa.select(PointsAccount.code))  # what the shop's camera reads
    boss.goto(f"{base}/r/{code}")
    boss.get_by_label("兑换", exact=True).select_option(index=0)
    boss.get_by_role("button", name="确认兑换").click()
    expect(boss.locator("main")).to_contain_text("最近一天：1 位顾客，兑换 1 次")
    assert_accessible(boss, "shop")
    aunt.reload()
    expect(aunt.locator(".result-word")).to_contain_text("余额 10.00 分")


def test_screenshots_of_the_demo_lists_and_happiness(
    live_server, open_context, shot, assert_accessible, app, ctx
):
    """斜塘's three lists and its public 幸福账单, on a phone and a laptop, from the demo."""
    app.test_cli_runner().invoke(args=["seed-demo"])
    public = open_context().new_page()
    public.goto(f"{live_server}/bodies/xietang/happiness")
    expect(public.locator(".notice")).to_contain_text("撬动驻区单位资源 190.00 万元，落地 3 项")
    assert_accessible(public, "happiness")
    _docs_shot(shot, public, "lists-happiness-phone")
    wide = open_context(LAPTOP).new_page()
    wide.goto(f"{live_server}/bodies/xietang/happiness")
    _docs_shot(shot, wide, "lists-happiness-laptop")
    chair = sign_in(
        open_context(LAPTOP).new_page(),
        live_server,
        "qianhong",
        "/bodies/xietang/lists",
        DEMO_PASSWORD,
    )
    expect(chair.locator("h1")).to_have_text("三张清单")
    assert_accessible(chair, "lists")
    _docs_shot(shot, chair, "lists-three-lists-laptop")
    phone = sign_in(
        open_context().new_page(), live_server, "qianhong", "/bodies/xietang/lists", DEMO_PASSWORD
    )
    _docs_shot(shot, phone, "lists-three-lists-phone")
    organiser = sign_in(
        open_context().new_page(), live_server, "zhaojun", "/bodies/huaxing/points", DEMO_PASSWORD
    )
    assert_accessible(organiser, "points organiser (demo)")
    _docs_shot(shot, organiser, "points-organiser-phone")
