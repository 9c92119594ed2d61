"""主办 / 协办: co-units' parts, their own states, who may move them, and 办结 waiting for them."""

from datetime import datetime

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup import inbox, parts, rules
from app.models import AuditEvent, Task, TaskPart
from tests.factories import make_unit, make_user
from tests.followup.helpers import add_body_unit, make_task

ASSIGNED = datetime(2026, 11, 2, 1, 0)  # Mon 09:00 in Shanghai
NOW = datetime(2026, 11, 2, 2, 0)


@pytest.fixture
def co(world):
    """A third unit of the body with its own staff member, to be the co-unit (协办)."""
    staff = make_user("城管小孙")
    unit = make_unit(staff)
    add_body_unit(world["body"], unit)
    return {"unit": unit, "staff": staff}


@pytest.fixture
def task(world):
    return make_task(world["resolution"], world["unit"], status="accepted", assigned_at=ASSIGNED)


def _part(task, unit, status="assigned", **fields) -> TaskPart:
    part = TaskPart(
        task_id=task.id, unit_id=unit.id, description="清理占道", status=status, **fields
    )
    part.added_at = fields.get("added_at", ASSIGNED)
    db.session.add(part)
    db.session.commit()
    return part


def _audited(task_id):
    return db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.object_type == "Task", AuditEvent.object_id == task_id)
        .order_by(AuditEvent.id)
    ).all()


# --- the state machine, plain Python ------------------------------------------------------------


def test_a_part_goes_signed_in_progress_done(world, co, task):
    """签收 → 办理中 → 完成, each step on the task's timeline naming the co-unit."""
    part = parts.add_part(task, co["unit"], "清理占道", actor_id=world["convener"].id, now=NOW)
    assert part.status == "assigned" and parts.allowed_actions(part) == ["accept", "decline"]
    parts.accept(part, now=NOW, sign_hours=24)
    assert part.status == "accepted" and part.signed_late is False
    parts.progress(part, "已约谈摊主", now=NOW)
    assert part.status == "in_progress"
    parts.finish(part, "占道已清理", now=NOW)
    assert part.status == "done" and part.report == "占道已清理" and part.done_at == NOW
    kinds = [u.kind for u in task.updates]
    assert kinds == ["part_added", "part_accepted", "part_note", "part_done"]
    assert all(u.details["unit"] == co["unit"].name for u in task.updates)
    assert parts.allowed_actions(part) == []


def test_a_late_part_signing_is_recorded(world, co, task):
    """签收 of a part 25 hours after it was given (limit 24) is late, on the part and timeline."""
    part = parts.add_part(task, co["unit"], "清理占道", now=ASSIGNED)
    parts.accept(part, now=datetime(2026, 11, 3, 2, 0), sign_hours=24)
    assert part.signed_late is True and task.updates[-1].details["late"] is True


def test_a_part_handed_back_needs_a_reason_and_waits_for_the_convener(world, co, task):
    """回退 of a part needs words; afterwards the co-unit can do nothing more with it."""
    part = parts.add_part(task, co["unit"], "清理占道", now=NOW)
    with pytest.raises(rules.TaskError):
        parts.decline(part, "  ", now=NOW)
    parts.decline(part, "不归城管管", now=NOW)
    assert part.status == "declined" and part.decline_reason == "不归城管管"
    assert parts.allowed_actions(part) == []
    with pytest.raises(rules.TaskError):
        parts.accept(part, now=NOW)


def test_refused_moves_of_a_part(world, co, task):
    """No 完成 before 签收, no second 签收, no empty part; the lead is never its own co-unit."""
    with pytest.raises(rules.TaskError):
        parts.add_part(task, co["unit"], "", now=NOW)
    with pytest.raises(rules.TaskError, match="lead unit"):
        parts.add_part(task, world["unit"], "自己协办自己", now=NOW)
    part = parts.add_part(task, co["unit"], "清理占道", now=NOW)
    with pytest.raises(rules.TaskError, match="already has a part"):
        parts.add_part(task, co["unit"], "再来一次", now=NOW)
    with pytest.raises(rules.TaskError):
        parts.finish(part, "做完了", now=NOW)
    parts.accept(part, now=NOW)
    with pytest.raises(rules.TaskError):
        parts.accept(part, now=NOW)


def test_the_lead_cannot_complete_while_a_part_waits_and_says_which(world, co, task):
    """办结 by 主办 is refused, naming the co-unit, until its part is 完成."""
    part = parts.add_part(task, co["unit"], "清理占道", now=NOW)
    with pytest.raises(rules.PartsWaiting) as refused:
        rules.complete(task, "路灯修好了", now=NOW)
    assert refused.value.units == [co["unit"].name] and task.status == "accepted"
    parts.accept(part, now=NOW)
    parts.finish(part, "占道已清理", now=NOW)
    rules.complete(task, "路灯修好了", now=NOW)
    assert task.status == "completed"


def test_a_declined_part_still_holds_the_lead_until_the_convener_removes_it(world, co, task):
    """A part handed back waits too; removed by the convener, it no longer holds 办结."""
    part = parts.add_part(task, co["unit"], "清理占道", now=NOW)
    db.session.commit()
    parts.decline(part, "不归我们管", now=NOW)
    with pytest.raises(rules.PartsWaiting):
        rules.complete(task, "办好了", now=NOW)
    parts.remove_part(task, part, now=NOW)
    rules.complete(task, "办好了", now=NOW)
    assert task.status == "completed" and task.updates[-2].kind == "part_removed"


def test_no_part_changes_once_the_task_is_finished(world, co, task):
    """A finished task takes no co-unit, loses none, and its parts make no more moves."""
    part = parts.add_part(task, co["unit"], "清理占道", now=NOW)
    parts.accept(part, now=NOW)
    parts.finish(part, "好了", now=NOW)
    rules.complete(task, "办好了", now=NOW)
    other = make_unit(make_user("某人"))
    with pytest.raises(rules.TaskError):
        parts.add_part(task, other, "晚了", now=NOW)
    with pytest.raises(rules.TaskError):
        parts.remove_part(task, part, now=NOW)


def test_a_co_unit_cannot_become_the_lead_by_reassigning(world, co):
    """改派 to a unit that holds a part is refused: remove its part first."""
    task = make_task(world["resolution"], world["unit"], status="declined")
    parts.add_part(task, co["unit"], "清理占道", now=NOW)
    with pytest.raises(rules.TaskError, match="already has a part"):
        rules.reassign(task, co["unit"].id, task.deadline, now=NOW)


# --- through the web: who may do what, audited ---------------------------------------------------


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_convener_adds_and_removes_a_co_unit_audited(world, co, task, login_as, client):
    """The convener adds a co-unit with its part, and takes it off; both audited."""
    login_as(world["convener"])
    url = f"/tasks/{task.id}/parts"
    missing = client.post(url, data={"part_unit": co["unit"].id, "part_description": ""})
    assert missing.status_code == 400 and "这一项必须填写" in missing.get_data(as_text=True)
    added = client.post(url, data={"part_unit": co["unit"].id, "part_description": "清理占道"})
    assert added.status_code == 302
    part = db.session.scalars(sa.select(TaskPart)).one()
    assert part.unit_id == co["unit"].id and part.status == "assigned"
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert co["unit"].name in page and "清理占道" in page and "待签收" in page
    assert client.post(f"/tasks/{task.id}/parts/{part.id}/remove").status_code == 302
    assert db.session.scalars(sa.select(TaskPart)).all() == []
    assert _audited(task.id) == ["task.part_added", "task.part_removed"]


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_a_unit_not_of_the_body_cannot_be_a_co_unit(world, task, login_as, client):
    """The other unit is not one of the body's: refused next to the field, the text kept."""
    login_as(world["convener"])
    response = client.post(
        f"/tasks/{task.id}/parts",
        data={"part_unit": world["other_unit"].id, "part_description": "帮忙清理"},
    )
    html = response.get_data(as_text=True)
    assert response.status_code == 400 and "请从本会的承办单位中选择" in html and "帮忙清理" in html
    assert db.session.scalars(sa.select(TaskPart)).all() == []


def test_only_the_conveners_add_or_remove_co_units(world, co, task, login_as, client):
    """Unit staff, the co-unit's staff and members get 403 for adding or removing a co-unit."""
    part = _part(task, co["unit"])
    for person in (world["staff"], co["staff"], world["members"][0]):
        login_as(person)
        data = {"part_unit": world["unit"].id, "part_description": "x"}
        assert client.post(f"/tasks/{task.id}/parts", data=data).status_code == 403
        assert client.post(f"/tasks/{task.id}/parts/{part.id}/remove").status_code == 403
    assert db.session.get(TaskPart, part.id) is not None


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_only_the_co_units_staff_move_its_part(world, co, task, login_as, client):
    """The lead unit's staff, the convener, a member and another unit's staff get 403."""
    part = _part(task, co["unit"])
    url = f"/tasks/{task.id}/parts/{part.id}"
    for person in (world["staff"], world["convener"], world["members"][0], world["other_staff"]):
        login_as(person)
        assert client.post(f"{url}/accept").status_code == 403
        assert client.post(f"{url}/finish", data={"part_report": "好了"}).status_code == 403
        assert client.post(f"{url}/decline", data={"part_reason": "不管"}).status_code == 403
    db.session.refresh(part)
    assert part.status == "assigned"
    # a part of another task is not found under this task
    other_task = make_task(world["resolution"], world["unit"])
    login_as(co["staff"])
    assert client.post(f"/tasks/{other_task.id}/parts/{part.id}/accept").status_code == 404


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_the_co_unit_signs_reports_and_finishes_its_part_audited(world, co, task, login_as, client):
    """The co-unit sees the task, 签收, reports progress, 完成; each step audited."""
    part = _part(task, co["unit"])
    login_as(co["staff"])
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert "签收协办任务" in page and 'id="unit-actions"' not in page
    url = f"/tasks/{task.id}/parts/{part.id}"
    assert client.post(f"{url}/accept").status_code == 302
    empty = client.post(f"{url}/finish", data={"part_report": ""})
    assert empty.status_code == 400 and "这一项必须填写" in empty.get_data(as_text=True)
    assert client.post(f"{url}/progress", data={"part_note": "已约谈"}).status_code == 302
    assert client.post(f"{url}/finish", data={"part_report": "占道已清理"}).status_code == 302
    db.session.refresh(part)
    assert part.status == "done" and part.report == "占道已清理"
    assert _audited(task.id) == [
        "task.part_accepted",
        "task.part_in_progress",
        "task.part_done",
    ]


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_the_co_unit_hands_its_part_back_with_a_reason(world, co, task, login_as, client):
    """回退 of a part keeps the reason; the convener's inbox then holds the task."""
    part = _part(task, co["unit"])
    login_as(co["staff"])
    url = f"/tasks/{task.id}/parts/{part.id}/decline"
    assert client.post(url, data={"part_reason": ""}).status_code == 400
    assert client.post(url, data={"part_reason": "不归城管管"}).status_code == 302
    db.session.refresh(part)
    assert part.status == "declined" and part.decline_reason == "不归城管管"
    today = datetime(2026, 11, 2).date()
    assert task in inbox.inbox(db.session, world["convener"], today).handle


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_the_lead_is_told_which_co_unit_waits(world, co, task, login_as, client):
    """主办's 办结 is refused with the co-unit's name, the report kept; then it goes through."""
    part = _part(task, co["unit"], status="in_progress")
    login_as(world["staff"])
    page = client.get(f"/tasks/{task.id}").get_data(as_text=True)
    assert f"协办单位{co['unit'].name}还没有完成它的部分" in page
    refused = client.post(f"/tasks/{task.id}/complete", data={"report": "路灯修好了"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 400 and co["unit"].name in html and "路灯修好了" in html
    assert db.session.get(Task, task.id).status == "accepted"
    part.status = "done"
    db.session.commit()
    assert (
        client.post(f"/tasks/{task.id}/complete", data={"report": "路灯修好了"}).status_code == 302
    )
    assert db.session.get(Task, task.id).status == "completed"


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_parts_are_in_the_co_units_inbox_and_task_list(world, co, task, login_as, client):
    """待我签收 then 待我处理 hold the co-unit's part; its task list shows the part."""
    part = _part(task, co["unit"])
    today = datetime(2026, 11, 2).date()
    box = inbox.inbox(db.session, co["staff"], today)
    assert box.sign == [task] and box.handle == []
    assert inbox.inbox_count(db.session, co["staff"], today) == 1
    login_as(co["staff"])
    listing = client.get(f"/units/{co['unit'].slug}/tasks").get_data(as_text=True)
    assert task.title in listing and "清理占道" in listing and "签收协办任务" in listing
    part.status = "accepted"
    db.session.commit()
    box = inbox.inbox(db.session, co["staff"], today)
    assert box.sign == [] and box.handle == [task]
    # the lead unit's list names the co-unit's state
    login_as(world["staff"])
    lead = client.get(f"/units/{world['unit'].slug}/tasks").get_data(as_text=True)
    assert f"协办 {co['unit'].name}" in lead


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_assigning_with_a_co_unit(world, co, login_as, client):
    """派单 may name one co-unit with its part; it must differ from the lead and have a part."""
    login_as(world["convener"])
    url = f"/resolutions/{world['resolution'].id}/tasks/new"
    base = {"title": "修路灯", "unit": world["unit"].id, "done_definition": "亮了", "workdays": "5"}
    no_part = client.post(url, data={**base, "co_unit": co["unit"].id})
    assert no_part.status_code == 200 and "请写明协办单位要做的事" in no_part.get_data(as_text=True)
    same = client.post(url, data={**base, "co_unit": world["unit"].id, "co_part": "x"})
    assert "主办单位不能同时是协办单位" in same.get_data(as_text=True)
    ok = client.post(url, data={**base, "co_unit": co["unit"].id, "co_part": "清理占道"})
    assert ok.status_code == 302
    task = db.session.scalars(sa.select(Task)).one()
    assert [(p.unit_id, p.description) for p in task.parts] == [(co["unit"].id, "清理占道")]
