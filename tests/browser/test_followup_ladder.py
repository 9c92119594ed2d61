"""The 接诉即办 ladder on a 390×844 phone: 签收, 回退, 延期, a three-tap 回访, the ranking."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import Rating, Task, TaskExtension
from tests.browser.conftest import LAPTOP
from tests.factories import PASSWORD, make_body, make_unit, make_user
from tests.followup.helpers import make_resolution, make_task, make_topic


def _sign_in(page, live_server, user, next_url):
    page.goto(f"{live_server}/sign-in?next={next_url}")
    page.get_by_label("手机号或用户名").fill(user.username)
    page.get_by_label("密码").fill(PASSWORD)
    page.locator("main").get_by_role("button", name="登录").click()


def test_unit_staff_and_resident_work_the_ladder_on_a_phone(
    live_server, open_context, shot, assert_accessible, ctx
):
    """Staff sign one task off, hand one back, ask an extension; a resident answers in 3 taps."""
    body = make_body("huaxing", holders=False)
    staff = make_user("物业小周", username="zhoumin")
    unit, other_unit = make_unit(staff), make_unit(make_user("百货小吴"))
    unit.name, other_unit.name = "锦华物业", "华兴百货"
    topic, token = make_topic(body, status="decided", title="夜间卸货太吵")
    resolution = make_resolution(body, title="商户夜间卸货时间")
    resolution.topics.append(topic)
    now = datetime.utcnow()
    first = make_task(
        resolution, unit, title="约定卸货时段", assigned_at=now, deadline=date(2026, 12, 31)
    )
    make_task(resolution, unit, title="修补门前路面", assigned_at=now, deadline=date(2026, 12, 31))
    done = make_task(
        resolution, unit, status="completed", title="张贴告示", completion_report="已贴"
    )
    done.assigned_at = done.accepted_at = now - timedelta(days=3)
    db.session.commit()

    page = open_context().new_page()
    _sign_in(page, live_server, staff, f"/units/{unit.slug}/tasks")
    rows = page.locator(".task-row")
    rows.filter(has_text="约定卸货时段").get_by_role("button", name="签收").click()
    expect(rows.filter(has_text="约定卸货时段")).to_contain_text("已签收")
    assert_accessible(page, "unit's tasks (phone)")

    page.get_by_role("link", name="修补门前路面").click()
    page.get_by_label("退回理由").fill("路面归市政管养，不属于物业")
    page.get_by_role("button", name="退回召集人").click()
    expect(page.locator("main")).to_contain_text("已回退召集人")

    page.goto(f"{live_server}/tasks/{first.id}")
    page.get_by_label("申请延至").fill("2027-01-15")
    page.get_by_label("延期理由").fill("要等商户协会开会确认")
    page.get_by_role("button", name="提交延期申请").click()
    expect(page.locator("main")).to_contain_text("延期申请待答复")
    assert_accessible(page, "task with a pending extension (phone)")
    shot(page, "followup-extension-phone", full_page=True)

    resident = open_context().new_page()
    resident.goto(f"{live_server}/t/{token}")
    visit = resident.locator(".topic-rating")
    visit.locator("fieldset", has_text="联系过您吗").get_by_label("是").check()
    visit.locator("fieldset", has_text="解决了吗").get_by_label("是").check()
    assert_accessible(resident, "return visit (phone)")
    shot(resident, "followup-return-visit-phone", full_page=True)
    visit.get_by_role("button", name="满意", exact=True).click()
    resident.goto(f"{live_server}/t/{token}")
    expect(resident.locator(".topic-rating")).to_contain_text("您已评价过这一轮")

    db.session.rollback()  # see the live server's commits
    assert db.session.get(Task, first.id).signed_late is False
    assert db.session.scalars(sa.select(TaskExtension.status)).all() == ["pending"]
    rating = db.session.scalars(sa.select(Rating)).one()
    assert (rating.contacted, rating.solved, rating.value, rating.channel) == (
        True,
        True,
        "satisfied",
        "link",
    )

    month = datetime.utcnow().strftime("%Y-%m")
    board = open_context().new_page()
    board.goto(f"{live_server}/b/huaxing")
    board.get_by_role("link", name="承办单位月度排名").click()
    expect(board.locator("main")).to_contain_text("锦华物业")
    expect(board.locator("main")).to_contain_text("第 1 名")
    assert_accessible(board, "ranking (phone)")
    shot(board, "followup-ranking-phone", full_page=True)
    board.goto(f"{live_server}/units/{unit.slug}?month={month}")
    expect(board.locator("main")).to_contain_text("接诉即办考核")
    assert_accessible(board, "unit dashboard (phone)")
    shot(board, "followup-unit-dashboard-phone", full_page=True)
    laptop = open_context(LAPTOP).new_page()
    laptop.goto(f"{live_server}/b/huaxing/ranking")
    shot(laptop, "followup-ranking-laptop", full_page=True)
    laptop.goto(f"{live_server}/units/{unit.slug}?month={month}")
    shot(laptop, "followup-unit-dashboard-laptop", full_page=True)
