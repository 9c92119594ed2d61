"""The public board: no sign-in, nothing private, no drafts, a constant number of queries."""

import re
from datetime import date

import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from tests.followup.helpers import make_passed_motion, make_resolution, make_task, make_topic

PHONE = re.compile(r"1[3-9]\d{9}")


@pytest.fixture
def board(world):
    """A published resolution with a topic, tasks and a vote; a draft; an unpublished task."""
    topic, _ = make_topic(world["body"], status="decided", title="游客找不到厕所")
    motion = make_passed_motion(world["body"], topic)
    published = make_resolution(world["body"], motion=motion, title="共享厕所行动")
    published.topics.append(topic)
    make_task(published, world["unit"], status="in_progress", title="百货开放厕所")
    draft = make_resolution(world["body"], status="draft", title="秘密草稿决议")
    make_task(draft, world["unit"], title="草稿里的事项")
    db.session.commit()
    return {**world, "published": published, "draft": draft, "topic": topic}


def _public_pages(board):
    return [
        "/",
        "/board/resolutions",
        f"/resolutions/{board['published'].id}",
        "/b/huaxing",
        f"/units/{board['unit'].slug}",
        "/board/resolutions?body=huaxing&year=2026&status=open",
    ]


def test_public_pages_show_no_phone_number_and_no_draft(board, client):
    """Every public page answers without sign-in and holds no phone number or draft."""
    for url in _public_pages(board):
        response = client.get(url)
        html = response.get_data(as_text=True)
        assert response.status_code == 200, url
        assert not PHONE.search(html), url
        assert "秘密草稿决议" not in html and "草稿里的事项" not in html, url
    assert client.get(f"/resolutions/{board['draft'].id}").status_code == 404


def test_resolution_page_shows_frozen_result_topic_fate_and_tasks(board, client):
    """The resolution page says 通过 with the frozen counts, the topic's history and the tasks."""
    html = client.get(f"/resolutions/{board['published'].id}").get_data(as_text=True)
    assert "通过" in html and "17/19" in html and "赞成 17 票，超过半数，通过。" in html
    assert "游客找不到厕所" in html and "百货开放厕所" in html and "办理中" in html
    assert "过半数评价" in html


def test_filters_narrow_the_list(board, client):
    """Filtering by another unit or year leaves nothing; by this unit finds the resolution."""
    assert "共享厕所行动" in client.get(f"/board/resolutions?unit={board['unit'].slug}").get_data(
        as_text=True
    )
    assert "共享厕所行动" not in client.get(
        f"/board/resolutions?unit={board['other_unit'].slug}"
    ).get_data(as_text=True)
    assert "共享厕所行动" not in client.get("/board/resolutions?year=2025").get_data(as_text=True)
    assert "共享厕所行动" not in client.get("/board/resolutions?status=done").get_data(as_text=True)


@time_machine.travel("2026-11-01 10:00 +0800", tick=False)
def test_overdue_filter_and_mark(board, client):
    """Past its deadline the task shows 已逾期 on the board and the overdue filter finds it."""
    html = client.get("/board/resolutions?status=overdue").get_data(as_text=True)
    assert "共享厕所行动" in html and "1 项已逾期" in html


def test_filter_with_htmx_returns_only_the_list(board, client, captured_templates):
    """An htmx filter request gets the list partial, not the whole page."""
    response = client.get("/board/resolutions?body=huaxing", headers={"HX-Request": "true"})
    assert captured_templates[0] == "board/partials/resolution_list.html"
    assert "<html" not in response.get_data(as_text=True)
    assert "HX-Request" in response.headers["Vary"]


def _count_queries(client, url):
    statements = []

    def count(conn, cursor, statement, *args):
        if not statement.lstrip().upper().startswith(("BEGIN", "SAVEPOINT", "RELEASE", "PRAGMA")):
            statements.append(statement)

    engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    try:
        assert client.get(url).status_code == 200
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return len(statements)


def test_query_count_does_not_grow_with_data(board, client):
    """The list page runs as many queries for 3 resolutions with tasks as for 10 with more."""
    few = _count_queries(client, "/board/resolutions")
    for n in range(9):
        resolution = make_resolution(board["body"], title=f"更多决议{n}")
        for _ in range(3):
            make_task(resolution, board["unit"] if n % 2 else board["other_unit"])
    assert _count_queries(client, "/board/resolutions") == few
    assert _count_queries(client, "/") == _count_queries(client, "/")


def test_unit_record_page_states_period_and_rates(board, client):
    """The unit's public record names the period (this year by default) and its rates."""
    with time_machine.travel("2026-12-01 10:00 +0800", tick=False):
        html = client.get(f"/units/{board['unit'].slug}").get_data(as_text=True)
    assert "统计期间" in html and "响应率" in html and "满意率" in html and "按时办结率" in html
    assert "百货开放厕所" in html
    other_year = client.get(f"/units/{board['unit'].slug}?year=2025").get_data(as_text=True)
    assert "百货开放厕所" not in other_year


def test_body_page_links_to_its_topics_meetings_and_resolutions(board, client):
    """The body page links to the body's topics, meetings and all its resolutions."""
    html = client.get("/b/huaxing").get_data(as_text=True)
    assert "/board/resolutions?body=huaxing" in html
    assert "/b/huaxing/topics" in html and "/b/huaxing/meetings" in html


def test_footer_links_open_data(client):
    """The footer links every open-data address."""
    html = client.get("/").get_data(as_text=True)
    for name in (
        "resolutions.json",
        "resolutions.csv",
        "tasks.json",
        "tasks.csv",
        "resolutions.atom",
    ):
        assert f"/open-data/{name}" in html


def test_conveners_find_their_dashboard_from_the_public_pages(board, client, login_as):
    """Only a convener sees the links to the dashboard and to managing the resolution."""
    resolution_url = f"/resolutions/{board['published'].id}"
    assert "/b/huaxing/followup" not in client.get("/b/huaxing").get_data(as_text=True)
    assert "/manage" not in client.get(resolution_url).get_data(as_text=True)
    login_as(board["convener"])
    assert "/b/huaxing/followup" in client.get("/b/huaxing").get_data(as_text=True)
    assert f"{resolution_url}/manage" in client.get(resolution_url).get_data(as_text=True)


@time_machine.travel("2026-11-01 10:00 +0800", tick=False)
def test_resolution_page_lists_overdue_tasks_first(board, client):
    """On the public resolution page an overdue task comes before one that is on time."""
    make_task(board["published"], board["unit"], title="按时的新事项", deadline=date(2026, 12, 1))
    make_task(board["published"], board["unit"], title="早该办完的事", deadline=date(2026, 10, 2))
    html = client.get(f"/resolutions/{board['published'].id}").get_data(as_text=True)
    tasks_part = html[html.index('id="tasks-title"') :]
    assert tasks_part.index("早该办完的事") < tasks_part.index("按时的新事项")
    assert "已逾期 18 个工作日" in tasks_part  # 30 days, less 国庆 and weekends


def test_members_are_led_to_rate_completed_tasks(board, client, login_as):
    """A signed-in member sees 我来评单 on a completed task; the public does not."""
    task = make_task(board["published"], board["unit"], status="completed", title="已办完的事")
    url = f"/resolutions/{board['published'].id}"
    assert "我来评单" not in client.get(url).get_data(as_text=True)
    login_as(board["members"][0])
    assert f"/tasks/{task.id}#ratings" in client.get(url).get_data(as_text=True)


def test_resolution_page_asks_the_members_role_once_not_per_task(board, client, login_as):
    """For a signed-in member the page runs as many queries with five completed tasks as with one.

    Whether the reader may rate is decided once by the view, not by a template helper per row.
    """
    login_as(board["members"][0])
    url = f"/resolutions/{board['published'].id}"
    make_task(board["published"], board["unit"], status="completed", title="已办完的事")
    one = _count_queries(client, url)
    for n in range(4):
        make_task(board["published"], board["unit"], status="completed", title=f"又一件{n}")
    assert _count_queries(client, url) == one
    assert client.get(url).get_data(as_text=True).count("我来评单") == 5
