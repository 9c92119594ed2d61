"""The administrator's web page for the holiday / 调休 table: years known, added, refused."""

from datetime import date

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup import calendar_table, queries
from app.followup.workdays import UnknownYear
from app.models import AuditEvent, WorkCalendarDay, WorkCalendarYear
from tests.factories import make_user

HOLIDAYS_2027 = "2027-01-01 元旦\n2027-02-11 春节\n2027-02-12=春节\n"


def _admin():
    return make_user("管理员", is_admin=True)


def test_parse_days_reads_lines_and_refuses_other_years():
    """Lines ``date name`` or ``date=name``; a bad line or another year's date is refused."""
    assert calendar_table.parse_days(HOLIDAYS_2027, 2027) == {
        date(2027, 1, 1): "元旦",
        date(2027, 2, 11): "春节",
        date(2027, 2, 12): "春节",
    }
    for text, reason in (("2027-13-01 坏", "not_a_date"), ("2026-10-01 国庆", "other_year")):
        try:
            calendar_table.parse_days(text, 2027)
        except calendar_table.DayLineError as error:
            assert error.reason == reason
        else:
            raise AssertionError(f"{text!r} was accepted")


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_the_page_says_which_years_are_known_and_which_are_not(ctx, login_as, client):
    """2026 by the package; 2027 unknown, said plainly; only administrators may see it."""
    login_as(make_user("路人"))
    assert client.get("/admin/calendar").status_code == 403
    login_as(_admin())
    html = client.get("/admin/calendar").get_data(as_text=True)
    assert "2026 年" in html and "日历包已收录" in html
    assert "2027 年" in html and "不知道：系统还没有这一年的放假安排" in html
    assert client.get("/admin/calendar?year=2031").headers["Location"].endswith("/calendar/2031")
    assert client.get("/admin/calendar/1999").status_code == 404


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_the_administrator_adds_a_year_audited_and_deadlines_count_it(ctx, login_as, client):
    """Saving 2027 declares it known: its holidays are off, 调休 Sunday works; audited."""
    login_as(_admin())
    response = client.post(
        "/admin/calendar/2027",
        data={"holidays": HOLIDAYS_2027, "workdays": "2027-02-07 春节调休", "note": "国办发明电"},
    )
    assert response.status_code == 302
    calendar = queries.work_calendar(db.session)
    assert calendar.knows(2027)
    assert not calendar.is_workday(date(2027, 2, 11)) and calendar.is_workday(date(2027, 2, 7))
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "workdays.year_saved")
    ).one()
    assert event.after["year"] == 2027 and event.after["workdays"] == ["2027-02-07"]
    assert event.before["known"] is False
    page = client.get("/admin/calendar").get_data(as_text=True)
    assert "管理员已补充" in page and "3 天放假" in page
    # editing replaces the year's days: 12 Feb is no longer listed
    client.post("/admin/calendar/2027", data={"holidays": "2027-02-11 春节", "workdays": ""})
    days = db.session.scalars(sa.select(WorkCalendarDay.day).order_by(WorkCalendarDay.day)).all()
    assert days == [date(2027, 2, 11)]
    edit = client.get("/admin/calendar/2027").get_data(as_text=True)
    assert "2027-02-11 春节" in edit


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_wrong_days_are_refused_next_to_the_field_with_the_input_kept(ctx, login_as, client):
    """A date of another year, a non-date, a day both off and on: nothing saved, text kept."""
    login_as(_admin())
    cases = [
        ({"holidays": "2026-10-01 国庆", "workdays": ""}, "不在 2027 年里"),
        ({"holidays": "春节 2027-02-11", "workdays": ""}, "不是日期"),
        ({"holidays": "2027-02-11 春节", "workdays": "2027-02-11 补班"}, "不能既放假又上班"),
    ]
    for data, said in cases:
        response = client.post("/admin/calendar/2027", data=data)
        html = response.get_data(as_text=True)
        assert response.status_code == 422 and said in html
        assert data["holidays"] in html
        assert 'class="field has-error"' in html
    assert db.session.get(WorkCalendarYear, 2027) is None
    assert db.session.scalars(sa.select(WorkCalendarDay)).all() == []
    try:
        queries.work_calendar(db.session).is_workday(date(2027, 3, 1))
    except UnknownYear:
        pass
    else:
        raise AssertionError("2027 became known without being saved")
