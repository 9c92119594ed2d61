"""Open data: JSON, CSV and Atom parse with standard parsers and hold only published data."""

import csv
import io
import json
from datetime import date, datetime
from xml.etree import ElementTree as ET

import pytest
import time_machine
from icalendar import Calendar

from app.extensions import db
from app.models import TaskPart
from app.opendata.shape import neutralise_formula
from tests.factories import make_body, make_meeting, make_unit
from tests.followup.helpers import make_passed_motion, make_resolution, make_task

ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def data(world):
    """A published resolution with a vote and two tasks, a draft, and another body's resolution."""
    motion = make_passed_motion(world["body"])
    published = make_resolution(world["body"], motion=motion, title="共享厕所行动")
    make_task(published, world["unit"], status="closed", title="挂牌")
    make_task(published, world["unit"], status="in_progress", title="充电点")
    draft = make_resolution(world["body"], status="draft", title="草稿")
    make_task(draft, world["unit"], title="草稿任务")
    other = make_body("other", constituencies=[("c", 1, None, False)], holders=False)
    make_resolution(other, title="别处的决议")
    db.session.commit()
    return {**world, "published": published}


def test_resolutions_json_has_exact_fractions_and_no_drafts(data, client):
    """Resolutions JSON carries the frozen counts as fraction strings; drafts are absent."""
    response = client.get("/open-data/resolutions.json")
    assert response.mimetype == "application/json"
    rows = json.loads(response.get_data(as_text=True))
    titles = {r["title"] for r in rows}
    assert "草稿" not in titles and {"共享厕所行动", "别处的决议"} <= titles
    row = next(r for r in rows if r["title"] == "共享厕所行动")
    assert (row["passed"], row["yes"], row["no"], row["abstain"], row["base"], row["ratio"]) == (
        True,
        "17",
        "2",
        "1",
        "19",
        "17/19",
    )
    assert row["published"].endswith("+08:00") and row["rule"]["threshold"]["value"] == "1/2"


def test_body_filter(data, client):
    """?body=<slug> keeps one body's resolutions and tasks."""
    rows = json.loads(client.get("/open-data/resolutions.json?body=other").get_data(as_text=True))
    assert [r["title"] for r in rows] == ["别处的决议"]
    assert json.loads(client.get("/open-data/tasks.json?body=other").get_data(as_text=True)) == []


def test_tasks_json_is_shaped_like_open311(data, client):
    """Tasks carry the GeoReport v2 fields; closed is closed, everything else is open."""
    rows = json.loads(client.get("/open-data/tasks.json").get_data(as_text=True))
    assert {r["service_name"] for r in rows} == {"挂牌", "充电点"}
    for row in rows:
        for field in (
            "service_request_id",
            "status",
            "status_notes",
            "agency_responsible",
            "requested_datetime",
            "updated_datetime",
            "expected_datetime",
        ):
            assert row[field], field
        assert row["requested_datetime"].endswith("+08:00")
        assert row["expected_datetime"].endswith("T23:59:59+08:00")
    by_name = {r["service_name"]: r for r in rows}
    assert by_name["挂牌"]["status"] == "closed" and by_name["充电点"]["status"] == "open"
    assert by_name["充电点"]["status_notes"] == "办理中"


def test_csv_files_parse_with_the_csv_module(data, client):
    """Both CSV files parse with csv.DictReader and hold the same records as the JSON."""
    text = client.get("/open-data/resolutions.csv").get_data(as_text=True).lstrip("\ufeff")
    rows = list(csv.DictReader(io.StringIO(text)))
    row = next(r for r in rows if r["title"] == "共享厕所行动")
    assert row["ratio"] == "17/19" and row["passed"] == "True"
    assert json.loads(row["rule"])["base"] == "cast"
    tasks = list(
        csv.DictReader(
            io.StringIO(client.get("/open-data/tasks.csv").get_data(as_text=True).lstrip("\ufeff"))
        )
    )
    assert {t["service_name"] for t in tasks} == {"挂牌", "充电点"}


FORMULAS = ['=HYPERLINK("http://evil.test","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1+1"]


@pytest.mark.parametrize("formula", FORMULAS)
def test_csv_cells_that_start_a_formula_are_neutralised(world, client, formula):
    """A resolution or task titled like a formula reaches both CSV files as plain text."""
    motion = make_passed_motion(world["body"])
    resolution = make_resolution(world["body"], motion=motion, title=formula)
    make_task(resolution, world["unit"], status="in_progress", title=formula)
    db.session.commit()
    for url, column in (("resolutions.csv", "title"), ("tasks.csv", "service_name")):
        text = client.get(f"/open-data/{url}").get_data(as_text=True).lstrip("\ufeff")
        cells = [row[column] for row in csv.DictReader(io.StringIO(text))]
        assert "'" + formula in cells and formula not in cells, (url, cells)


def test_numbers_and_ordinary_text_are_left_alone():
    """Only text that starts a formula is touched: numbers and other text stay as they are."""
    assert neutralise_formula(-3) == -3
    assert neutralise_formula("共享厕所 = 好事") == "共享厕所 = 好事"
    assert neutralise_formula("") == ""


def test_atom_feed_parses_with_elementtree(data, client):
    """The Atom feed parses with xml.etree, with an entry per published resolution of the body."""
    response = client.get("/open-data/resolutions.atom?body=huaxing")
    assert response.mimetype == "application/atom+xml"
    feed = ET.fromstring(response.data)
    assert feed.tag == f"{ATOM}feed"
    entries = {e.find(f"{ATOM}title").text: e for e in feed.findall(f"{ATOM}entry")}
    assert len(entries) == 2 and not any("别处" in t or "草稿" in t for t in entries)
    entry = next(e for t, e in entries.items() if "共享厕所行动" in t)
    assert entry.find(f"{ATOM}link").get("href").endswith(f"/resolutions/{data['published'].id}")


def test_meetings_calendar_lists_published_meetings_only(client, ctx):
    """/open-data/meetings.ics parses and holds published meetings, never drafts."""
    body = make_body(constituencies=[("merchant", 1, None, False)])
    make_meeting(body, status="published", title="公开的会议")
    make_meeting(body, status="draft", title="草稿会议")
    response = client.get(f"/open-data/meetings.ics?body={body.slug}")
    assert response.mimetype == "text/calendar"
    events = Calendar.from_ical(response.data).walk("VEVENT")
    assert [str(e["summary"]) for e in events] == ["公开的会议"]
    assert "/open-data/meetings.ics" in client.get("/").get_data(as_text=True)


def test_tasks_carry_the_ladder_states_and_dates(data, login_as, client):
    """An extension granted, a late 签收 and a 核减 show in JSON and CSV with both deadlines."""
    task = make_task(
        data["published"],
        data["unit"],
        status="assigned",
        title="路灯",
        assigned_at=datetime(2026, 11, 2, 1, 0),
        deadline=date(2026, 11, 20),
    )
    co_unit = make_unit()
    co_unit.name = "街道城管科"
    db.session.add(TaskPart(task_id=task.id, unit_id=co_unit.id, description="清理占道"))
    db.session.commit()
    with time_machine.travel("2026-11-04 10:00 +0800", tick=False):
        login_as(data["staff"]).post(f"/tasks/{task.id}/accept")
        client.post(
            f"/tasks/{task.id}/extension", data={"extend_to": "2026-11-30", "extend_reason": "等料"}
        )
        login_as(data["convener"]).post(f"/tasks/{task.id}/extension/grant")
        client.post(f"/tasks/{task.id}/exclude", data={"exclude_reason": "重复诉求"})
    rows = json.loads(client.get("/open-data/tasks.json").get_data(as_text=True))
    row = next(r for r in rows if r["service_name"] == "路灯")
    assert row["lianxi_status"] == "accepted" and row["lianxi_signed_late"] is True
    assert row["lianxi_signed_datetime"] == "2026-11-04T10:00:00+08:00"
    assert (row["lianxi_original_deadline"], row["lianxi_deadline"]) == ("2026-11-20", "2026-11-30")
    assert row["expected_datetime"] == "2026-11-30T23:59:59+08:00"
    assert row["lianxi_excluded_reason"] == "重复诉求" and row["lianxi_round"] == 1
    assert row["lianxi_co_units"] == "街道城管科:assigned"
    text = client.get("/open-data/tasks.csv").get_data(as_text=True).lstrip("\ufeff")
    csv_row = next(r for r in csv.DictReader(io.StringIO(text)) if r["service_name"] == "路灯")
    assert csv_row["lianxi_original_deadline"] == "2026-11-20"
    assert csv_row["lianxi_signed_late"] == "True"
    assert csv_row["lianxi_co_units"] == "街道城管科:assigned"
