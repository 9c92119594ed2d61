"""Conveners add the units they need and invite staff by personal link, without the admin."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, BodyUnit, SignInLink, UnitStaff, User
from tests.factories import make_user


def test_convener_adds_a_new_and_an_existing_unit_once(world, login_as, client):
    """A new unit by name and an existing one; adding it twice keeps one; others get 403."""
    login_as(world["staff"])
    assert client.post("/b/huaxing/units", data={"name": "新物业"}).status_code == 403
    login_as(world["convener"])
    neither = client.post("/b/huaxing/units", data={"existing": 0, "name": ""})
    assert neither.status_code == 422 and "二选一" in neither.get_data(as_text=True)
    assert (
        client.post("/b/huaxing/units", data={"existing": 0, "name": "锦华物业"}).status_code == 302
    )
    for _ in range(2):
        client.post("/b/huaxing/units", data={"existing": world["other_unit"].id, "name": ""})
    linked = db.session.scalars(
        sa.select(BodyUnit).where(BodyUnit.body_id == world["body"].id)
    ).all()
    assert len(linked) == 3  # the world's two units, and 锦华物业; other_unit once
    page = client.get("/b/huaxing/units").get_data(as_text=True)
    assert "锦华物业" in page and world["other_unit"].name in page
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("body.unit_added") == 3


def test_convener_invites_staff_who_signs_in_by_the_link(world, login_as, client):
    """The invited person is on the unit's staff and the link signs them in.

    A phone that has an account already is refused beside the field (no link for someone
    else's account).
    """
    login_as(world["convener"])
    client.post("/b/huaxing/units", data={"existing": world["unit"].id, "name": ""})
    make_user("已有账号的人", phone="13712345678")
    taken = client.post(
        "/b/huaxing/invitations",
        data={"unit": world["unit"].id, "name": "冒名", "phone": "13712345678"},
    )
    assert taken.status_code == 422 and "这个手机号已经有账号了" in taken.get_data(as_text=True)
    assert db.session.scalars(sa.select(SignInLink)).all() == []
    page = client.post(
        "/b/huaxing/invitations", data={"unit": world["unit"].id, "name": "保洁老李", "phone": ""}
    ).get_data(as_text=True)
    assert "保洁老李 的个人链接" in page and "/l/" in page
    person = db.session.scalars(sa.select(User).where(User.name == "保洁老李")).one()
    assert db.session.get(UnitStaff, (world["unit"].id, person.id)) is not None
    url = page[page.index("/l/") :].split("<")[0].split('"')[0]
    client.post("/sign-out")
    client.get(url)
    assert "保洁老李" in client.get("/me").get_data(as_text=True)


def test_invite_only_to_the_bodys_own_units(world, login_as, client):
    """A unit not added to the body cannot be chosen for an invitation."""
    login_as(world["convener"])
    response = client.post(
        "/b/huaxing/invitations", data={"unit": world["other_unit"].id, "name": "某人"}
    )
    assert response.status_code == 422
    assert db.session.scalars(sa.select(User).where(User.name == "某人")).all() == []


def test_the_task_form_lists_and_accepts_only_the_bodys_units(world, login_as, client):
    """派单 offers the body's units (with the way to add one) and refuses another unit.

    The refusal is next to the field and the typed title is kept; no task is made.
    """
    from app.models import Task

    login_as(world["convener"])
    url = f"/resolutions/{world['resolution'].id}/tasks/new"
    form = client.get(url).get_data(as_text=True)
    assert world["unit"].name in form and world["other_unit"].name not in form
    assert "/b/huaxing/units" in form
    data = {
        "title": "修路灯",
        "unit": world["other_unit"].id,
        "done_definition": "亮了",
        "deadline": "2099-01-05",
    }
    response = client.post(url, data=data)
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and "请从本会的承办单位中选择" in html and "修路灯" in html
    assert db.session.scalars(sa.select(Task)).all() == []
    # a reassignment to a unit not of the body is refused too
    client.post(url, data={**data, "unit": world["unit"].id})
    task = db.session.scalars(sa.select(Task)).one()
    task.status, task.decline_reason = "declined", "不归我们管"
    db.session.commit()
    refused = client.post(
        f"/tasks/{task.id}/reassign",
        data={"unit": world["other_unit"].id, "deadline": "2099-01-06"},
    )
    assert refused.status_code == 400 and "请从本会的承办单位中选择" in refused.get_data(
        as_text=True
    )
    db.session.refresh(task)
    assert task.status == "declined"
