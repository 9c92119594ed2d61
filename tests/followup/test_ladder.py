"""The 接诉即办 ladder through the web: 签收 on time or late, 联系诉求人, 延期, 核减, by role."""

import threading
from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup.workdays import WorkCalendar
from app.models import (
    AuditEvent,
    Rating,
    Task,
    TaskExtension,
    WorkCalendarDay,
    WorkCalendarYear,
)
from tests.conftest import session_token
from tests.followup.helpers import make_task, make_topic

ASSIGNED = datetime(2026, 11, 2, 1, 0)  # 09:00 in Shanghai


def _actions(task_id):
    return db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.object_type == "Task", AuditEvent.object_id == task_id)
        .order_by(AuditEvent.id)
    ).all()


@time_machine.travel("2026-11-03 08:59 +0800", tick=False)
def test_sign_within_the_limit_is_on_time(world, login_as, client):
    """签收 23 h 59 min after 派单 (limit 24 h) is on time."""
    task = make_task(world["resolution"], world["unit"], assigned_at=ASSIGNED)
    login_as(world["staff"]).post(f"/tasks/{task.id}/accept")
    db.session.refresh(task)
    assert task.status == "accepted" and task.signed_late is False


@time_machine.travel("2026-11-03 09:01 +0800", tick=False)
def test_late_sign_is_recorded_and_shown(world, login_as, client):
    """签收 24 h 1 min after 派单 is recorded as late, shown on the task and audited."""
    task = make_task(world["resolution"], world["unit"], assigned_at=ASSIGNED)
    login_as(world["staff"]).post(f"/tasks/{task.id}/accept")
    db.session.refresh(task)
    assert task.signed_late is True
    assert "签收超过了规定时限" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert _actions(task.id) == ["task.accepted"]


@time_machine.travel("2026-11-03 08:00 +0800", tick=False)
def test_body_sign_limit_is_the_bodys_setting(world, login_as, client):
    """A body that allows 12 hours makes a 23-hour 签收 late."""
    world["body"].sign_hours = 12
    task = make_task(world["resolution"], world["unit"], assigned_at=ASSIGNED)
    login_as(world["staff"]).post(f"/tasks/{task.id}/accept")
    db.session.refresh(task)
    assert task.signed_late is True


@time_machine.travel("2026-11-05 10:00 +0800", tick=False)
def test_resident_matter_needs_contact_before_completion(world, login_as, client):
    """A task from a resident's topic cannot be 办结 before 联系诉求人 is recorded."""
    topic, _token = make_topic(world["body"], status="decided")
    world["resolution"].topics.append(topic)
    task = make_task(world["resolution"], world["unit"], status="in_progress", assigned_at=ASSIGNED)
    login_as(world["staff"])
    refused = client.post(f"/tasks/{task.id}/complete", data={"report": "修好了"})
    assert refused.status_code == 400
    assert "请先记录联系诉求人的情况" in refused.get_data(as_text=True)
    future = client.post(
        f"/tasks/{task.id}/contact",
        data={
            "contact_method": "phone",
            "contacted_at": "2026-11-05T11:00",
            "contact_note": "约好周五上门",
        },
    )
    assert future.status_code == 400 and "联系时间应在派单之后" in future.get_data(as_text=True)
    assert "约好周五上门" in future.get_data(as_text=True)
    client.post(
        f"/tasks/{task.id}/contact",
        data={
            "contact_method": "phone",
            "contacted_at": "2026-11-04T15:30",
            "contact_note": "约好周五上门",
        },
    )
    client.post(f"/tasks/{task.id}/complete", data={"report": "修好了"})
    db.session.refresh(task)
    assert task.contacted_at == datetime(2026, 11, 4, 7, 30) and task.contact_method == "phone"
    assert task.status == "completed"
    assert _actions(task.id) == ["task.contact", "task.complete"]


@time_machine.travel("2026-11-05 10:00 +0800", tick=False)
def test_extension_asked_then_granted_keeps_the_original_deadline(world, login_as, client):
    """The unit asks, the convener grants: the deadline moves, the old one stays on record."""
    task = make_task(
        world["resolution"], world["unit"], status="in_progress", deadline=date(2026, 11, 10)
    )
    login_as(world["staff"])
    client.post(
        f"/tasks/{task.id}/extension", data={"extend_to": "2026-11-20", "extend_reason": "等配件"}
    )
    second = client.post(
        f"/tasks/{task.id}/extension", data={"extend_to": "2026-11-25", "extend_reason": "再等等"}
    )
    assert second.status_code == 302  # one request waits at a time: the form is not offered
    assert client.post(f"/tasks/{task.id}/extension/grant").status_code == 403
    login_as(world["convener"])
    client.post(f"/tasks/{task.id}/extension/grant")
    db.session.refresh(task)
    extension = db.session.scalars(sa.select(TaskExtension)).one()
    assert task.deadline == date(2026, 11, 20)
    assert (extension.status, extension.original_deadline) == ("granted", date(2026, 11, 10))
    granted = task.updates[-1]
    assert granted.kind == "extension_granted"
    assert granted.details == {"deadline_from": "2026-11-10", "deadline_to": "2026-11-20"}
    assert _actions(task.id) == ["task.extend", "task.grant"]


@time_machine.travel("2026-11-05 10:00 +0800", tick=False)
def test_extension_refused_needs_a_reason_and_keeps_the_deadline(world, login_as, client):
    """A refusal without a reason is answered in words; with one, the deadline stays."""
    task = make_task(
        world["resolution"], world["unit"], status="accepted", deadline=date(2026, 11, 10)
    )
    login_as(world["staff"]).post(
        f"/tasks/{task.id}/extension", data={"extend_to": "2026-11-20", "extend_reason": "等配件"}
    )
    login_as(world["convener"])
    bare = client.post(f"/tasks/{task.id}/extension/refuse", data={"answer": ""})
    assert bare.status_code == 400 and "不同意延期时请写明理由" in bare.get_data(as_text=True)
    client.post(f"/tasks/{task.id}/extension/refuse", data={"answer": "配件本地就有"})
    db.session.refresh(task)
    assert task.deadline == date(2026, 11, 10)
    assert db.session.scalars(sa.select(TaskExtension.status)).one() == "refused"


@time_machine.travel("2026-11-05 10:00 +0800", tick=False)
def test_exclusion_is_for_the_convener_with_a_public_reason(world, login_as, client):
    """核减: the unit cannot do it; the convener's reason shows on the public board."""
    task = make_task(world["resolution"], world["unit"], status="in_progress")
    login_as(world["staff"])
    assert client.post(f"/tasks/{task.id}/exclude", data={"exclude_reason": "x"}).status_code == 403
    login_as(world["convener"])
    client.post(f"/tasks/{task.id}/exclude", data={"exclude_reason": "诉求超出物业合同范围"})
    db.session.refresh(task)
    assert task.excluded_reason == "诉求超出物业合同范围"
    assert _actions(task.id) == ["task.exclude"]


def test_fifty_concurrent_extension_requests_leave_one_pending(app, world):
    """50 requests for an extension at once: exactly one waits for the convener, no error."""
    task = make_task(
        world["resolution"], world["unit"], status="in_progress", deadline=date(2026, 12, 10)
    )
    staff_id, task_id = world["staff"].id, task.id
    db.session.commit()
    tokens = [session_token(app, staff_id) for _ in range(50)]
    start = threading.Barrier(50)
    codes, errors = [], []

    def ask(n):
        try:
            client = app.test_client()
            with client.session_transaction() as session:
                session["_user_id"] = tokens[n]
                session["_fresh"] = True
            start.wait()
            response = client.post(
                f"/tasks/{task_id}/extension",
                data={"extend_to": "2026-12-20", "extend_reason": f"理由{n}"},
            )
            codes.append(response.status_code)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    with time_machine.travel("2026-11-05 10:00 +0800", tick=False):
        threads = [threading.Thread(target=ask, args=(n,)) for n in range(50)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert errors == [] and set(codes) <= {302}
    db.session.rollback()
    pending = db.session.scalars(
        sa.select(TaskExtension).where(TaskExtension.task_id == task_id)
    ).all()
    assert len(pending) == 1


def _assign(client, world, **fields):
    data = {"title": "清运", "unit": world["unit"].id, "assignee": 0, "done_definition": "清走"}
    return client.post(f"/resolutions/{world['resolution'].id}/tasks/new", data={**data, **fields})


@time_machine.travel("2026-09-30 10:00 +0800", tick=False)
def test_assign_in_working_days_skips_national_day(world, login_as, client):
    """派单 for 3 工作日 on 30 Sep: due Sat 10 Oct (8, 9 Oct and the 调休 Saturday)."""
    login_as(world["convener"])
    assert _assign(client, world, workdays="3").status_code == 302
    task = db.session.scalars(sa.select(Task)).one()
    assert task.deadline == date(2026, 10, 10)


@time_machine.travel("2026-09-30 10:00 +0800", tick=False)
def test_assign_needs_exactly_one_of_workdays_or_date(world, login_as, client):
    """Neither or both of 工作日 and 截止日期 is said next to the field, keeping the input."""
    login_as(world["convener"])
    for extra in ({}, {"workdays": "3", "deadline": "2026-10-20"}):
        response = _assign(client, world, **extra)
        assert response.status_code == 200
        assert "二选一" in response.get_data(as_text=True)
    assert db.session.scalars(sa.select(Task)).all() == []


@time_machine.travel("2026-12-28 10:00 +0800", tick=False)
def test_unknown_year_is_said_plainly_until_the_administrator_adds_it(world, login_as, client):
    """Working days into 2027 (unknown to the pinned package) are refused in words, then work.

    The administrator's table completes 2027; a date could be chosen all along.
    """
    assert not WorkCalendar().knows(2027)  # chinese-calendar 1.11.0 stops at 2026
    login_as(world["convener"])
    response = _assign(client, world, workdays="5")
    assert "还不知道 2027 年的法定节假日" in response.get_data(as_text=True)
    assert _assign(client, world, deadline="2027-01-08").status_code == 302
    db.session.query(Task).delete()
    db.session.add(WorkCalendarYear(year=2027, note="国务院办公厅通知"))
    db.session.add(WorkCalendarDay(day=date(2027, 1, 1), is_workday=False, name="元旦"))
    db.session.commit()
    assert _assign(client, world, workdays="5").status_code == 302
    task = db.session.scalars(sa.select(Task)).one()
    # 29, 30, 31 Dec, then 1 Jan off (元旦), Mon 4 and Tue 5 Jan
    assert task.deadline == date(2027, 1, 5)


@time_machine.travel("2026-11-05 10:00 +0800", tick=False)
def test_convener_records_a_phone_return_visit_for_a_resident(world, login_as, client):
    """A phone 回访 is stored for the resident's topic, by the convener; others are refused."""
    topic, _token = make_topic(world["body"], status="decided")
    world["resolution"].topics.append(topic)
    task = make_task(world["resolution"], world["unit"], status="completed")
    data = {
        "phone-topic": topic.id,
        "phone-contacted": "yes",
        "phone-solved": "yes",
        "phone-value": "very_satisfied",
    }
    login_as(world["staff"])
    assert client.post(f"/tasks/{task.id}/phone-visit", data=data).status_code == 403
    login_as(world["convener"])
    assert "代录电话回访" in client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert client.post(f"/tasks/{task.id}/phone-visit", data=data).status_code == 302
    rating = db.session.scalars(sa.select(Rating)).one()
    assert (rating.topic_id, rating.channel, rating.recorded_by_id, rating.value) == (
        topic.id,
        "phone",
        world["convener"].id,
        "very_satisfied",
    )
    # the same resident cannot be visited twice in one round, by phone or by link
    client.post(f"/tasks/{task.id}/phone-visit", data={**data, "phone-value": "basic"})
    assert db.session.scalars(sa.select(Rating.value)).all() == ["very_satisfied"]


def test_convener_sets_followup_limits_and_rate_definitions(world, login_as, client):
    """The settings are saved and audited; weights not adding up to 1 are refused in words."""
    url = "/b/huaxing/followup/settings"
    data = {
        "notice_days": "10",
        "sign_hours": "12",
        "rectify_workdays": "3",
        "remind_workdays": "2",
        "escalate_workdays": "4",
        "basic_weight": "0.8",
        "response_weight": "0.2",
        "resolution_weight": "1/2",
        "satisfaction_weight": "0.3",
    }
    login_as(world["staff"])
    assert client.post(url, data=data).status_code == 403
    login_as(world["convener"])
    bad = client.post(url, data={**data, "satisfaction_weight": "0.4"})
    assert bad.status_code == 422 and "三个权重加起来要正好等于 1" in bad.get_data(as_text=True)
    assert client.post(url, data={**data, "basic_weight": "1.5"}).status_code == 422
    assert client.post(url, data=data).status_code == 302
    body = world["body"]
    db.session.refresh(body)
    assert (body.sign_hours, body.rectify_workdays, body.remind_workdays) == (12, 3, 2)
    assert body.notice_days == 10
    assert body.rate_definitions == {
        "basic_weight": "4/5",
        "weights": {"response": "1/5", "resolution": "1/2", "satisfaction": "3/10"},
    }
    assert _actions_of("body.followup_settings_changed") == 1
    page = client.get("/b/huaxing/followup").get_data(as_text=True)
    assert 'value="4/5"' in page


def _actions_of(action):
    return len(db.session.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)).all())
