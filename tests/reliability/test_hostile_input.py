"""Hostile input through every text field of the main forms: stored exactly, shown as inert text.

A corpus of XSS, SQL-injection-looking and Unicode-edge strings (RTL override, zero-width joiner,
emoji ZWJ sequences, 4-byte characters, combining marks) goes through each field. Each value must
come back from the database byte for byte, appear HTML-escaped on the page that shows it (never
as live markup, ``{{7*7}}`` never evaluated), and one character over a field's limit must be
refused next to the field with nothing stored.
"""

import re
from collections.abc import Callable
from dataclasses import dataclass

import pytest
import sqlalchemy as sa
from markupsafe import escape

from app.extensions import db
from app.models import AgendaItem, Meeting, Motion, Rating, Resolution, Task, TaskUpdate, Topic
from tests.factories import make_body, make_convener, make_meeting, make_unit, make_user
from tests.followup.helpers import add_body_unit, make_passed_motion, make_resolution, make_task

#: Every value fits the shortest limit below (a topic submitter's name: 30 characters).
CORPUS = [
    "<script>alert(1)</script>",
    '"><img src=x onerror=alert(1)>',
    "javascript:alert(1)//链接",
    "{{7*7}} {% if 1 %}x{% endif %}",
    "'; DROP TABLE topics; --",
    "1 OR 1=1",
    "\u202e反向文字\u202c 尾",
    "a\u200db 零宽连接",
    "👨\u200d👩\u200d👧 一家人",
    "𠀀 😀 四字节",
    "e\u0301 n\u0303 a\u0308\u0323 组合",
    "&lt;b&gt; &amp; 已转义",
]
CORPUS_IDS = [
    "script",
    "attr-break",
    "js-url",
    "jinja",
    "sql-drop",
    "sql-or",
    "rtl",
    "zwj",
    "emoji-zwj",
    "4-byte",
    "combining",
    "pre-escaped",
]
#: Values that would be live markup if they reached the page unescaped.
MARKUP = ("<script>alert(1)</script>", "<img src=x onerror=alert(1)>")


@dataclass
class Env:
    """The world of one test: a body with three members, its convener, a unit, a resolution."""

    client: object
    login_as: Callable
    body: object
    convener: object
    staff: object
    member: object
    unit: object
    resolution: object


@dataclass
class Field:
    """One text field: how to submit a value, read it back, count rows, and see it shown."""

    name: str
    form_field: str
    limit: int | None
    submit: Callable  # (env, value) -> response
    stored: Callable  # (env) -> the newest stored value, or None
    count: Callable  # (env) -> rows stored so far
    pages: Callable  # (env, response) -> HTML of the pages that show the value


def _scalar(statement):
    db.session.expire_all()
    return db.session.scalar(statement)


def _count(model, *where):
    return lambda env: _scalar(sa.select(sa.func.count()).select_from(model).where(*where))


def _newest(column, *where):
    model = column.class_
    return lambda env: _scalar(sa.select(column).where(*where).order_by(model.id.desc()).limit(1))


def _get(env, url, user):
    env.login_as(user)
    return env.client.get(url).get_data(as_text=True)


# --- the public topic form ---------------------------------------------------------------------

TOPIC_FIELDS = {"title": "路灯不亮", "description": "晚上很黑", "location": "", "name": ""}


def _topic_submit(field):
    def submit(env, value):
        env.client.post("/sign-out")
        data = TOPIC_FIELDS | {"category": env.body.topic_categories[0], field: value}
        return env.client.post(f"/b/{env.body.slug}/topics/new", data=data)

    return submit


def _topic_pages(env, response):
    follow = env.client.get(response.location).get_data(as_text=True)
    return [follow, _get(env, f"/b/{env.body.slug}/triage", env.convener)]


def _topic(field, column, limit):
    return Field(
        f"topic.{field}",
        field,
        limit,
        _topic_submit(field),
        _newest(column),
        _count(Topic),
        _topic_pages,
    )


# --- meetings and agenda items -----------------------------------------------------------------


def _meeting_submit(field):
    def submit(env, value):
        data = {
            "title": "冬季会",
            "starts_at": "2026-12-01T14:30",
            "duration": "90",
            "place": "会议室",
            "notice_days": "3",
        }
        env.login_as(env.convener)
        return env.client.post(f"/b/{env.body.slug}/meetings/new", data=data | {field: value})

    return submit


def _meeting_pages(env, response):
    return [env.client.get(response.location).get_data(as_text=True)]


def _item_submit(field):
    def submit(env, value):
        meeting = _scalar(sa.select(Meeting).where(Meeting.title == "议程会"))
        data = {
            "title": "新议程",
            "presenter": "王主任",
            "kind": "discussion",
            "minutes_allotted": 5,
        }
        env.login_as(env.convener)
        return env.client.post(f"/meetings/{meeting.id}/items", data=data | {field: value})

    return submit


def _item_pages(env, response):
    meeting = _scalar(sa.select(Meeting).where(Meeting.title == "议程会"))
    return [_get(env, f"/meetings/{meeting.id}/manage", env.convener)]


# --- motions, resolutions --------------------------------------------------------------------

MOTION = {
    "kind": "roll_call",
    "rule_choice": "custom",
    "weighting": "seat",
    "base": "cast",
    "threshold_op": ">",
    "threshold_value": "1/2",
    "concurrent": "none",
}


def _motion_submit(env, value):
    item = _scalar(sa.select(AgendaItem).where(AgendaItem.title == "表决事项"))
    env.login_as(env.convener)
    return env.client.post(f"/items/{item.id}/motions/new", data=MOTION | {"text": value})


def _motion_pages(env, response):
    motion = _scalar(sa.select(Motion).order_by(Motion.id.desc()).limit(1))
    return [_get(env, f"/motions/{motion.id}", env.convener)]


def _resolution_submit(field):
    def submit(env, value):
        motion = make_passed_motion(env.body)
        data = {"title": "共享厕所行动", "text": "沿街商户开放厕所", "decided_on": "2026-09-15"}
        env.login_as(env.convener)
        return env.client.post(f"/motions/{motion.id}/resolution", data=data | {field: value})

    return submit


def _resolution_pages(env, response):
    resolution = _scalar(sa.select(Resolution).order_by(Resolution.id.desc()).limit(1))
    return [_get(env, f"/resolutions/{resolution.id}/manage", env.convener)]


# --- owners' decisions ---------------------------------------------------------------------------


def _local(days: int) -> str:
    """A datetime-local value ``days`` from now in the community's zone."""
    from datetime import datetime, timedelta
    from zoneinfo import ZoneInfo

    from flask import current_app

    zone = ZoneInfo(current_app.config["LIANXI_TIMEZONE"])
    return (datetime.now(zone) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def _compound_unit(env) -> None:
    """Give the body one building and unit (once), so decisions and paper ballots have scope."""
    from decimal import Decimal

    from app.models import Building, Owner, Unit

    if _scalar(sa.select(Unit.id).where(Unit.body_id == env.body.id)):
        return
    building = Building(body_id=env.body.id, name="1")
    owner = Owner(body_id=env.body.id, key="a", name="业主甲")
    unit = Unit(body_id=env.body.id, building=building, code="1-101", area=Decimal("90.5"))
    unit.owner = owner
    db.session.add_all([building, owner, unit])
    db.session.commit()


def _decision_submit(field):
    def submit(env, value):
        data = {
            "title": "电梯更新",
            "text": "更换电梯。",
            "item": "7",
            "whole_compound": "y",
            "opens_at": _local(16),
            "closes_at": _local(23),
        }
        env.login_as(env.convener)
        return env.client.post(
            f"/b/{env.body.slug}/owners/decisions/new", data=data | {field: value}
        )

    return submit


def _newest_decision_page(env, response):
    from app.models import OwnerDecision

    decision = _scalar(sa.select(OwnerDecision).order_by(OwnerDecision.id.desc()).limit(1))
    return [_get(env, f"/owners/decisions/{decision.id}", env.convener)]


def _extension_submit(env, value):
    from tests.owners.helpers import make_decision

    _compound_unit(env)
    decision = make_decision(env.body)
    env.login_as(env.convener)
    data = {"closes_at": _local(10), "reason": value}
    return env.client.post(f"/owners/decisions/{decision.id}/extend", data=data)


def _paper_submit(env, value):
    from app.models import OwnerDecision
    from tests.owners.helpers import make_decision

    _compound_unit(env)
    decision = _scalar(sa.select(OwnerDecision)) or make_decision(env.body)
    env.login_as(env.convener)
    data = {"serial": value, "unit": "1-101", "choice": "yes"}
    return env.client.post(f"/owners/decisions/{decision.id}/paper", data=data)


def _paper_pages(env, response):
    from app.models import OwnerDecision

    decision = _scalar(sa.select(OwnerDecision))
    return [_get(env, f"/owners/decisions/{decision.id}/paper", env.convener)]


def _owner_fields() -> list:
    from app.models import OwnerDecision, PaperBallot

    extended = OwnerDecision.extended_at.is_not(None)
    return [
        Field(
            "owner_decision.title",
            "title",
            200,
            _decision_submit("title"),
            _newest(OwnerDecision.title),
            _count(OwnerDecision),
            _newest_decision_page,
        ),
        Field(
            "owner_decision.text",
            "text",
            10000,
            _decision_submit("text"),
            _newest(OwnerDecision.text),
            _count(OwnerDecision),
            _newest_decision_page,
        ),
        Field(
            "owner_decision.extension_reason",
            "reason",
            1000,
            _extension_submit,
            _newest(OwnerDecision.extension_reason, extended),
            _count(OwnerDecision, extended),
            _newest_decision_page,
        ),
        Field(
            "paper_ballot.serial",
            "serial",
            40,
            _paper_submit,
            _newest(PaperBallot.serial),
            _count(PaperBallot),
            _paper_pages,
        ),
    ]


# --- tasks -------------------------------------------------------------------------------------


def _task_submit(field):
    def submit(env, value):
        data = {
            "title": "挂牌",
            "unit": env.unit.id,
            "assignee": 0,
            "description": "挂在门口",
            "done_definition": "挂好",
            "deadline": "2099-01-01",
        }
        env.login_as(env.convener)
        url = f"/resolutions/{env.resolution.id}/tasks/new"
        return env.client.post(url, data=data | {field: value})

    return submit


def _newest_task_page(env, response):
    task = _scalar(sa.select(Task).order_by(Task.id.desc()).limit(1))
    return [_get(env, f"/tasks/{task.id}", env.convener)]


def _unit_step(action, status, form_field, fresh=True):
    """Submit ``form_field`` of the unit's ``action`` on a task in ``status`` (new one if fresh)."""

    def submit(env, value):
        task = None if fresh else _scalar(sa.select(Task).where(Task.title == "进展任务"))
        task = task or make_task(
            env.resolution, env.unit, status=status, title="进展任务" if not fresh else "任务"
        )
        env.login_as(env.staff)
        return env.client.post(f"/tasks/{task.id}/{action}", data={form_field: value})

    return submit


def _rating_submit(env, value):
    task = make_task(env.resolution, env.unit, status="completed")
    env.login_as(env.member)
    return env.client.post(
        f"/tasks/{task.id}/rating",
        data={"contacted": "yes", "solved": "yes", "value": "satisfied", "comment": value},
    )


def _rating_pages(env, response):
    """The comment is shown back in the form when the choice is missing (it is never listed)."""
    task = make_task(env.resolution, env.unit, status="completed")
    env.login_as(env.member)
    stored = _newest(Rating.comment)(env)
    again = env.client.post(f"/tasks/{task.id}/rating", data={"comment": stored})
    assert again.status_code == 400
    return [again.get_data(as_text=True)]


# --- sign-in -----------------------------------------------------------------------------------


def _sign_in_submit(env, value):
    env.client.post("/sign-out")
    return env.client.post("/sign-in", data={"login": value, "password": "wrong password"})


FIELDS = [
    _topic("title", Topic.title, 60),
    _topic("description", Topic.description, 2000),
    _topic("location", Topic.location, 100),
    _topic("name", Topic.submitter_name, 30),
    Field(
        "meeting.title",
        "title",
        120,
        _meeting_submit("title"),
        _newest(Meeting.title),
        _count(Meeting),
        _meeting_pages,
    ),
    Field(
        "meeting.place",
        "place",
        120,
        _meeting_submit("place"),
        _newest(Meeting.place),
        _count(Meeting),
        _meeting_pages,
    ),
    Field(
        "item.title",
        "title",
        120,
        _item_submit("title"),
        _newest(AgendaItem.title),
        _count(AgendaItem),
        _item_pages,
    ),
    Field(
        "item.presenter",
        "presenter",
        64,
        _item_submit("presenter"),
        _newest(AgendaItem.presenter),
        _count(AgendaItem),
        _item_pages,
    ),
    Field(
        "motion.text",
        "text",
        2000,
        _motion_submit,
        _newest(Motion.text),
        _count(Motion),
        _motion_pages,
    ),
    Field(
        "resolution.title",
        "title",
        160,
        _resolution_submit("title"),
        _newest(Resolution.title),
        _count(Resolution),
        _resolution_pages,
    ),
    Field(
        "resolution.text",
        "text",
        20000,
        _resolution_submit("text"),
        _newest(Resolution.text),
        _count(Resolution),
        _resolution_pages,
    ),
    Field(
        "task.title",
        "title",
        160,
        _task_submit("title"),
        _newest(Task.title),
        _count(Task),
        _newest_task_page,
    ),
    Field(
        "task.description",
        "description",
        4000,
        _task_submit("description"),
        _newest(Task.description),
        _count(Task),
        _newest_task_page,
    ),
    Field(
        "task.decline_reason",
        "reason",
        2000,
        _unit_step("decline", "assigned", "reason"),
        _newest(Task.decline_reason, Task.status == "declined"),
        _count(Task, Task.status == "declined"),
        _newest_task_page,
    ),
    Field(
        "task.progress_note",
        "note",
        4000,
        _unit_step("progress", "accepted", "note", fresh=False),
        _newest(TaskUpdate.note, TaskUpdate.kind == "note"),
        _count(TaskUpdate, TaskUpdate.kind == "note"),
        _newest_task_page,
    ),
    Field(
        "task.completion_report",
        "report",
        4000,
        _unit_step("complete", "accepted", "report"),
        _newest(Task.completion_report, Task.status == "completed"),
        _count(Task, Task.status == "completed"),
        _newest_task_page,
    ),
    Field(
        "rating.comment",
        "comment",
        2000,
        _rating_submit,
        _newest(Rating.comment),
        _count(Rating),
        _rating_pages,
    ),
    Field(
        "sign_in.login",
        "login",
        64,
        _sign_in_submit,
        lambda env: None,
        lambda env: 0,
        lambda env, response: [response.get_data(as_text=True)],
    ),
    *_owner_fields(),
]


@pytest.fixture
def env(ctx, client, login_as):
    """A body with three members and a convener, a unit with staff, a resolution, two meetings."""
    body = make_body("huaxing", constituencies=[("community", 3, "1/1", False)])
    convener = make_convener(body)
    staff = make_user("物业小周")
    unit = make_unit(staff)
    add_body_unit(body, unit)
    member = body.constituencies[0].seat_list[0].holder
    make_meeting(body, title="议程会")
    sitting = make_meeting(body, status="in_session", title="表决会")
    db.session.add(AgendaItem(meeting_id=sitting.id, position=1, kind="decision", title="表决事项"))
    db.session.commit()
    resolution = make_resolution(body)
    return Env(client, login_as, body, convener, staff, member, unit, resolution)


def _assert_inert(value: str, pages: list[str]) -> None:
    """The value appears HTML-escaped on some page, and no page carries it as live markup."""
    html = "\n".join(pages)
    assert str(escape(value)) in html, "the value is not shown (escaped) on its page"
    for markup in MARKUP:
        if markup in value:
            assert markup not in html, f"unescaped {markup!r} on the page"
    if "{{7*7}}" in value:
        # 49 standing alone: a factory name such as 联席4049 is not an evaluated template.
        assert not re.search(r"(?<!\d)49 ", html.replace(str(escape(value)), ""))


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_hostile_values_are_stored_exactly_and_shown_inert(env, field):
    """Every corpus value through this field: no 500, stored byte for byte, escaped on the page."""
    for value, label in zip(CORPUS, CORPUS_IDS, strict=True):
        response = field.submit(env, value)
        assert response.status_code < 500, f"{label}: {response.status_code}"
        if field.name == "sign_in.login":
            assert response.status_code == 200 and "密码不正确" in response.get_data(as_text=True)
        else:
            assert response.status_code in (302, 303), f"{label}: refused ({response.status_code})"
            stored = field.stored(env)
            assert stored == value and stored.encode() == value.encode(), f"{label}: {stored!r}"
        _assert_inert(value, field.pages(env, response))


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_one_character_over_the_limit_is_refused_next_to_the_field(env, field):
    """At the limit (in 4-byte characters) it is stored; one more is refused beside the field."""
    if field.limit is None:
        pytest.skip(f"{field.name} has no length limit")
    if field.name != "sign_in.login":
        at_limit = "😀" * field.limit
        assert field.submit(env, at_limit).status_code in (302, 303)
        assert field.stored(env) == at_limit
    before = field.count(env)
    response = field.submit(env, "𠀀" * (field.limit + 1))
    html = response.get_data(as_text=True)
    assert response.status_code in (200, 400, 422), response.status_code
    assert re.search(rf'class="field-error" id="[^"]*{field.form_field}-error"', html), (
        "no error next to the field"
    )
    assert "𠀀" * (field.limit + 1) in html, "what was typed is not kept"
    assert field.count(env) == before, "oversize value was stored"


@pytest.mark.parametrize("field", FIELDS, ids=[f.name for f in FIELDS])
def test_nul_character_is_dropped_not_a_server_error(env, field):
    """A NUL (which PostgreSQL cannot store) is dropped from the value; the rest is kept."""
    response = field.submit(env, "路灯\x00不亮")
    assert response.status_code < 500
    if field.name == "sign_in.login":
        assert "路灯不亮" in response.get_data(as_text=True)
    else:
        assert response.status_code in (302, 303) and field.stored(env) == "路灯不亮"
