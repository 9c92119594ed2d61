"""The 接诉即办 ladder on a 390×844 phone: 签收, 回退, 延期, a three-tap 回访, the ranking."""

from datetime import date, datetime, timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from app.extensions import db
from app.models import BodyUnit, Rating, Task, TaskExtension, TaskPart
from tests.browser.conftest import LAPTOP, sign_in
from tests.factories import make_body, make_unit, make_user
from tests.followup.helpers import make_resolution, make_task, make_topic


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
    co_staff = make_user("城管小孙", username="sunli")
    co_unit = make_unit(co_staff)
    co_unit.name = "街道城管科"
    db.session.add(BodyUnit(body_id=body.id, unit_id=co_unit.id))
    part = TaskPart(task_id=first.id, unit_id=co_unit.id, description="劝导商户按时段卸货")
    part.added_at = now
    db.session.add(part)
    db.session.commit()

    page = open_context().new_page()
    sign_in(page, live_server, staff.username, f"/units/{unit.slug}/tasks")
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

    # the co-unit (协办) signs its part off from its list and reports it done on the task page
    co_page = open_context().new_page()
    sign_in(co_page, live_server, co_staff.username, f"/units/{co_unit.slug}/tasks")
    co_row = co_page.locator(".task-row").filter(has_text="约定卸货时段")
    expect(co_row).to_contain_text("劝导商户按时段卸货")
    co_row.get_by_role("button", name="签收协办任务").click()
    co_row = co_page.locator(".task-row").filter(has_text="约定卸货时段")
    expect(co_row).to_contain_text("已签收")
    co_row.get_by_role("link", name="报进展 / 完成").click()
    co_page.get_by_label("完成情况：做了什么").fill("已上门劝导 6 家商户，张贴卸货时段")
    co_page.get_by_role("button", name="报告本单位的部分已完成").click()
    expect(co_page.locator("#parts")).to_contain_text("已完成")
    assert_accessible(co_page, "task with a co-unit's part done (phone)")
    shot(co_page, "followup-co-unit-phone", full_page=True)
    laptop_task = open_context({"width": 1280, "height": 800}).new_page()
    sign_in(laptop_task, live_server, staff.username, f"/tasks/{first.id}")
    expect(laptop_task.locator("#parts")).to_contain_text("街道城管科")
    shot(laptop_task, "followup-co-unit-laptop", full_page=True)

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
    assert db.session.get(TaskPart, part.id).status == "done"
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


def test_the_administrator_completes_a_year_of_the_calendar(
    live_server, open_context, shot, assert_accessible, ctx
):
    """The calendar page says which years are unknown; a wrong line is said next to the field."""
    admin = make_user("管理员", username="admin2", is_admin=True)
    db.session.commit()
    page = open_context().new_page()
    sign_in(page, live_server, admin.username, "/admin/calendar")
    expect(page.locator("main")).to_contain_text("日历包已收录")
    assert_accessible(page, "working-day calendar (phone)")
    shot(page, "followup-calendar-phone", full_page=True)
    page.goto(f"{live_server}/admin/calendar/2031")
    page.get_by_label("放假的日子（法定节假日）").fill("2031-01-01 元旦\n2030-10-01 国庆")
    page.get_by_role("button", name="保存").click()
    expect(page.locator(".field-error")).to_contain_text("不在 2031 年里")
    assert_accessible(page, "calendar year with an error (phone)")
    shot(page, "followup-calendar-year-phone", full_page=True)
    laptop = open_context({"width": 1280, "height": 800}).new_page()
    sign_in(laptop, live_server, admin.username, "/admin/calendar")
    shot(laptop, "followup-calendar-laptop", full_page=True)
