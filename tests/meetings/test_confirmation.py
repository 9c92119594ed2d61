"""Minutes are confirmed, corrected only by appending; the next meeting looks back (issue 14)."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.meetings import confirmation
from app.meetings.rules import MeetingError
from app.models import AuditEvent, Meeting, MinutesCorrection
from tests.factories import make_body, make_convener, make_meeting, make_unit, make_user
from tests.followup.helpers import make_passed_motion, make_resolution, make_task

NOW = datetime(2026, 12, 2, 2, 0)


@pytest.fixture
def closed(ctx):
    """A body, its convener and a closed meeting."""
    body = make_body(constituencies=[("community", 3, None, False)])
    convener = make_convener(body)
    meeting = make_meeting(body, status="closed", starts_at=datetime(2026, 11, 1, 6, 30))
    return body, convener, meeting


def test_minutes_are_confirmed_once_and_only_when_closed(closed):
    """Confirmation records when, by whom and how; it happens once, after the close."""
    body, convener, meeting = closed
    sitting = make_meeting(body, status="in_session")
    with pytest.raises(MeetingError, match="minutes_not_closed"):
        confirmation.confirm_minutes(sitting, by_id=convener.id, now=NOW, how="convener")
    confirmation.confirm_minutes(meeting, by_id=convener.id, now=NOW, how="convener")
    assert (meeting.minutes_confirmed_at, meeting.minutes_confirmed_how) == (NOW, "convener")
    with pytest.raises(MeetingError, match="minutes_confirmed"):
        confirmation.confirm_minutes(meeting, by_id=convener.id, now=NOW, how="meeting")


def test_a_correction_needs_its_reason(closed):
    """A correction without a reason is refused; with one it is appended, never an edit."""
    _, convener, meeting = closed
    with pytest.raises(MeetingError):
        confirmation.add_correction(db.session, meeting, text="改", reason=" ", actor_id=None)
    confirmation.add_correction(db.session, meeting, text="出席 9 人", reason="笔误", actor_id=None)
    db.session.commit()
    assert db.session.scalar(sa.select(MinutesCorrection.reason)) == "笔误"


def test_convener_confirms_and_corrects_through_the_web(closed, login_as, client):
    """Confirm → 已确认 with its date; a correction without reason is 422 keeping the text."""
    body, convener, meeting = closed
    member = body.constituencies[0].seat_list[0].holder
    assert login_as(member).post(f"/meetings/{meeting.id}/minutes/confirm").status_code == 403
    login_as(convener)
    assert "确认纪要" in client.get(f"/meetings/{meeting.id}/minutes").text
    client.post(f"/meetings/{meeting.id}/minutes/confirm")
    page = client.get(f"/meetings/{meeting.id}/minutes").text
    assert "已确认" in page and "确认纪要</button>" not in page
    refused = client.post(
        f"/meetings/{meeting.id}/minutes/corrections", data={"text": "应为 9 人", "reason": ""}
    )
    assert refused.status_code == 422
    assert "请写明更正的理由" in refused.text and "应为 9 人" in refused.text
    client.post(
        f"/meetings/{meeting.id}/minutes/corrections", data={"text": "应为 9 人", "reason": "笔误"}
    )
    client.post("/sign-out")
    public = client.get(f"/meetings/{meeting.id}/minutes").text
    assert "更正记录" in public and "应为 9 人" in public and "更正理由：笔误" in public
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"minutes.confirmed", "minutes.corrected"} <= actions


@time_machine.travel("2026-12-01 10:00 +0800", tick=False)
def test_a_new_meeting_is_offered_the_two_opening_items(closed, login_as, client):
    """确认上次会议纪要 and 上次决议落实情况通报 go first; the report lists tasks, overdue first."""
    body, convener, _ = closed
    motion = make_passed_motion(body)  # its closed meeting, 12-01, is the latest before 12-05
    resolution = make_resolution(body, motion=motion)
    unit = make_unit(make_user("物业小周"))
    make_task(resolution, unit, title="按时的事", deadline=date(2026, 12, 20))
    make_task(resolution, unit, title="逾期的事", deadline=date(2026, 11, 20))
    meeting = make_meeting(body, status="draft", starts_at=datetime(2026, 12, 5, 6, 30))
    login_as(convener)
    assert "回顾上次会议" in client.get(f"/meetings/{meeting.id}/manage").text
    client.post(f"/meetings/{meeting.id}/opening-items")
    db.session.expire_all()
    items = db.session.get(Meeting, meeting.id).items
    assert [i.title for i in items[:2]] == ["确认上次会议纪要", "上次决议落实情况通报"]
    report = items[1].description
    assert (
        report.index("逾期的事") < report.index("按时的事") and "已逾期 7 个工作日" in report
    )  # 11-20 to 12-01: 7 working days
    again = client.post(f"/meetings/{meeting.id}/opening-items", follow_redirects=True)
    assert "开场议程已经在议程里了" in again.text
    assert len(db.session.get(Meeting, meeting.id).items) == 2


def test_the_next_meeting_confirms_the_previous_minutes(closed, login_as, client):
    """In session, the next meeting confirms the previous minutes: recorded as by the meeting."""
    body, convener, previous = closed
    meeting = make_meeting(body, status="in_session", starts_at=datetime(2026, 12, 5, 6, 30))
    login_as(convener)
    client.post(f"/meetings/{meeting.id}/confirm-previous-minutes")
    db.session.expire_all()
    previous = db.session.get(Meeting, previous.id)
    assert previous.minutes_confirmed and previous.minutes_confirmed_how == "meeting"
    assert "经下次会议确认" in client.get(f"/meetings/{previous.id}/minutes").text


def test_leave_is_recorded_and_the_minutes_list_attendance_by_name(ctx, login_as, client):
    """请假 recorded by the convener shows in the minutes by name, beside present and absent."""
    body = make_body(constituencies=[("community", 3, None, False)])
    convener = make_convener(body)
    meeting = make_meeting(body, status="in_session", chair="王主任", recorder="李干事")
    seats = body.constituencies[0].seat_list
    login_as(convener)
    client.post(f"/meetings/{meeting.id}/seats/{seats[0].id}/check-in")
    client.post(f"/meetings/{meeting.id}/seats/{seats[1].id}/leave", data={"on_leave": "1"})
    assert "撤销请假" in client.get(f"/meetings/{meeting.id}/manage").text
    client.post(f"/meetings/{meeting.id}/status", data={"action": "close", "confirmed": "yes"})
    refused = client.post(
        f"/meetings/{meeting.id}/seats/{seats[2].id}/leave", data={"on_leave": "1"}
    )
    assert refused.status_code in (200, 303)
    client.post("/sign-out")
    page = client.get(f"/meetings/{meeting.id}/minutes").text
    names = [s.holder.name for s in seats]
    assert names[0] in page and names[1] in page and names[2] in page
    assert page.count("请假") == 1 and "缺席" in page
    assert "王主任" in page and "李干事" in page and "参会代表签字" in page
    assert "实际开始" in page and "第 1 次会议" in page


def test_the_body_may_keep_its_minutes_to_members(closed, login_as, client):
    """Off by default; the convener turns it on in the settings, and it is audited."""
    body, convener, meeting = closed
    assert body.minutes_members_only is False
    assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 200
    login_as(convener)
    form = {
        "seconds_needed": "0",
        "topic_categories": "其他",
        "resolution_number_format": "{short_name}〔{year}〕{number}号",
        "rating_rule": body.rating_rule,
        "minutes_members_only": "y",
    }
    assert client.post(f"/b/{body.slug}/settings", data=form).status_code == 302
    client.post("/sign-out")
    assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 302
    changed = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "body.settings_changed")
    )
    assert changed.after["minutes_members_only"] is True
