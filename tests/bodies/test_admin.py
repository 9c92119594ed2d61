"""Administrator pages for bodies, conveners, responsible units and their staff."""

import pytest
import sqlalchemy as sa

from app.admin import queries as admin_queries
from app.admin import roles
from app.extensions import db
from app.models import AuditEvent, Body, Convener, ResponsibleUnit, UnitStaff, User
from tests.factories import PASSWORD, make_body, make_convener, make_unit, make_user


def _actions():
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.fixture
def admin(ctx):
    """An administrator."""
    return make_user("管理员", is_admin=True)


def test_admin_creates_a_body(ctx, client, login_as, admin):
    """A new body is created with its names and the creation is audited."""
    login_as(admin)
    response = client.post(
        "/admin/bodies/new",
        data={"slug": "huaxing", "name": "华兴街三级党建联席会", "short_name": "华兴街联席"},
    )
    assert response.status_code == 302 and response.headers["Location"].endswith(
        "/admin/bodies/huaxing"
    )
    body = db.session.scalar(sa.select(Body).where(Body.slug == "huaxing"))
    assert (body.name, body.short_name) == ("华兴街三级党建联席会", "华兴街联席")
    assert _actions() == ["body.created"]


def test_duplicate_body_slug_is_refused_next_to_the_field(ctx, client, login_as, admin):
    """A slug already in use is refused next to the field; the names typed are kept."""
    make_body(slug="huaxing", holders=False)
    login_as(admin)
    response = client.post(
        "/admin/bodies/new", data={"slug": "huaxing", "name": "另一个会", "short_name": "另一"}
    )
    assert response.status_code == 200
    assert "已经被别的会议用了" in response.text and 'value="另一个会"' in response.text


def test_admin_assigns_an_existing_person_as_convener(ctx, client, login_as, admin):
    """Picking an existing person makes them a convener, audited on the body."""
    body = make_body(holders=False)
    person = make_user("赵军")
    login_as(admin)
    client.post(f"/admin/bodies/{body.slug}/conveners", data={"person": str(person.id)})
    assert db.session.get(Convener, (body.id, person.id)) is not None
    assert _actions() == ["body.convener_added"]


def test_admin_creates_a_new_convener_with_a_password(ctx, client, login_as, admin):
    """A new person with phone, username and password is created and can sign in."""
    body = make_body(holders=False)
    login_as(admin)
    client.post(
        f"/admin/bodies/{body.slug}/conveners",
        data={
            "person": "0",
            "name": "钱红",
            "phone": "13900000002",
            "username": "qianhong",
            "password": PASSWORD,
        },
    )
    person = db.session.scalar(sa.select(User).where(User.username == "qianhong"))
    assert person.check_password(PASSWORD) and person.phone == "13900000002"
    assert db.session.get(Convener, (body.id, person.id)) is not None
    assert _actions() == ["user.created", "body.convener_added"]


def test_new_person_needs_name_and_an_unused_phone(ctx, client, login_as, admin):
    """Missing name and a phone already registered are answered next to their fields."""
    make_user("王建国", phone="13811112222")
    body = make_body(holders=False)
    login_as(admin)
    response = client.post(
        f"/admin/bodies/{body.slug}/conveners", data={"person": "0", "phone": "13811112222"}
    )
    assert response.status_code == 422
    assert "新建人员时请填写姓名" in response.text and "这个手机号已经登记过了" in response.text
    assert _actions() == []


def test_admin_removes_a_convener(ctx, client, login_as, admin):
    """Removing a convener keeps their account and is audited."""
    body = make_body(holders=False)
    convener = make_convener(body)
    login_as(admin)
    client.post(f"/admin/bodies/{body.slug}/conveners/{convener.id}/remove")
    assert db.session.get(Convener, (body.id, convener.id)) is None
    assert db.session.get(User, convener.id) is not None
    assert _actions() == ["body.convener_removed"]


def test_admin_creates_a_unit_and_adds_staff(ctx, client, login_as, admin):
    """A unit is created, then a new staff person added; both are audited."""
    login_as(admin)
    client.post("/admin/units", data={"slug": "jinhua", "name": "锦华物业"})
    unit = db.session.scalar(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == "jinhua"))
    client.post(
        "/admin/units/jinhua/staff", data={"person": "0", "name": "周敏", "phone": "13700001111"}
    )
    staff = db.session.scalars(sa.select(UnitStaff).where(UnitStaff.unit_id == unit.id)).all()
    assert [s.user.name for s in staff] == ["周敏"]
    assert _actions() == ["unit.created", "user.created", "unit.staff_added"]
    assert "周敏" in client.get("/admin/units/jinhua").text


def test_admin_removes_staff(ctx, client, login_as, admin):
    """Taking a person off a unit's staff is audited."""
    person = make_user("吴刚")
    unit = make_unit(staff=person)
    login_as(admin)
    client.post(f"/admin/units/{unit.slug}/staff/{person.id}/remove")
    assert db.session.get(UnitStaff, (unit.id, person.id)) is None
    assert _actions() == ["unit.staff_removed"]


ADMIN_PAGES = [
    ("get", "/admin/bodies/new"),
    ("post", "/admin/bodies/new"),
    ("get", "/admin/bodies/{slug}"),
    ("post", "/admin/bodies/{slug}/conveners"),
    ("get", "/admin/units"),
    ("post", "/admin/units"),
    ("get", "/admin/units/{unit}"),
    ("post", "/admin/units/{unit}/staff"),
]


@pytest.mark.parametrize(("method", "template"), ADMIN_PAGES)
def test_admin_pages_are_for_administrators_only(ctx, client, login_as, method, template):
    """Anonymous visitors are sent to sign in; a convener gets 403 and nothing changes."""
    body = make_body(holders=False)
    unit = make_unit()
    url = template.format(slug=body.slug, unit=unit.slug)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login_as(make_convener(body))
    assert getattr(client, method)(url).status_code == 403
    assert _actions() == []


def test_admin_pages_render(ctx, client, login_as, admin):
    """Every administrator page renders for an administrator."""
    body = make_body(holders=False)
    make_convener(body)
    unit = make_unit(staff=make_user("周敏"))
    login_as(admin)
    for url in (
        "/admin/",
        "/admin/bodies/new",
        f"/admin/bodies/{body.slug}",
        "/admin/units",
        f"/admin/units/{unit.slug}",
    ):
        assert client.get(url).status_code == 200, url


def test_roles_are_given_once(ctx):
    """Making someone a convener or unit staff twice adds one row and says so."""
    body, unit = make_body(holders=False), make_unit()
    person = roles.new_person(
        db.session, name=" 李四 ", phone="13900001111", username="", password=None
    )
    assert person.name == "李四" and person.username is None and person.password_hash is None
    assert roles.make_convener(db.session, body, person)
    assert not roles.make_convener(db.session, body, person)
    assert roles.add_staff(db.session, unit, person)
    assert not roles.add_staff(db.session, unit, person)
    db.session.flush()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Convener)) == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(UnitStaff)) == 1


def test_new_body_and_unit_are_stripped(ctx):
    """Names typed with spaces are stored without them; the lists come back in their order."""
    body = roles.new_body(
        db.session, slug="hx", name=" 华兴街 ", short_name=" 华兴 ", description=""
    )
    unit = roles.new_unit(db.session, slug="jd", name=" 街道办 ", description=" 负责 ")
    db.session.flush()
    assert (body.name, body.short_name, unit.name, unit.description) == (
        "华兴街",
        "华兴",
        "街道办",
        "负责",
    )
    assert admin_queries.all_bodies(db.session) == [body]
    assert admin_queries.unit_by_slug(db.session, "jd") is unit
    assert admin_queries.unit_by_slug(db.session, "nope") is None


def test_only_active_people_are_offered(ctx):
    """A deactivated account is not offered for a role; everyone is listed on the overview."""
    active, gone = make_user("甲"), make_user("乙")
    gone.active = False
    db.session.flush()
    assert admin_queries.active_people(db.session) == [active]
    assert admin_queries.all_people(db.session) == [active, gone]
