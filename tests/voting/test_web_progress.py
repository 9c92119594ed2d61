"""Live progress (convener page and projector): counts, who is still to vote, ETag and 304."""

from contextlib import contextmanager

import pytest
import sqlalchemy as sa
from flask import render_template

from app.extensions import db
from app.voting.ballots import open_motion
from tests.voting.helpers import (
    add_motion,
    check_in,
    requests_flask_started,
    seats_of,
    sitting,
    vote,
)

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

HX = {"HX-Request": "true"}


def _open(meeting, item, kind="roll_call"):
    motion = add_motion(meeting, item, kind=kind)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    return motion


@contextmanager
def counted_statements():
    """Count the SQL statements sent to the database inside the block."""
    statements = []

    def count(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    sa.event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        sa.event.remove(db.engine, "before_cursor_execute", count)


def test_progress_counts_and_names_who_has_not_voted(
    app, ctx, client, login_as, captured_templates
):
    """Roll-call progress: voted / present per constituency and the names still to vote."""
    body, convener, meeting, item = sitting()
    street = seats_of(body, "street")[:3]
    check_in(meeting, street)
    motion = _open(meeting, item)
    vote(client, login_as, street[0].holder, motion, street[0], "yes")
    login_as(convener)
    captured_templates.clear()
    response = client.get(f"/motions/{motion.id}/progress", headers=HX)
    assert captured_templates == ["voting/partials/progress.html"]
    text = response.text
    assert "<strong>1</strong> / 3" in text
    assert "还没有投票的席位（2）" in text
    assert street[1].holder.name in text and street[2].holder.name in text
    assert street[0].holder.name not in text
    assert "赞成</th>" not in text  # no running totals unless the convener turns them on
    assert 'hx-trigger="every 2s"' in text


def test_running_totals_only_when_turned_on(app, ctx, client, login_as):
    """The convener's toggle shows running yes/no/abstain totals of a roll-call vote."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    vote(client, login_as, seat.holder, motion, seat, "no")
    login_as(convener)
    assert (
        client.post(f"/motions/{motion.id}/running-totals", data={"show": "1"}).status_code == 302
    )
    text = client.get(f"/motions/{motion.id}/progress", headers=HX).text
    assert "反对</th>" in text and "<td>1</td>" in text


def test_secret_progress_has_no_names_and_no_totals(app, ctx, client, login_as):
    """A secret vote's progress shows counts only; running totals cannot be turned on."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item, kind="secret")
    vote(client, login_as, seats[0].holder, motion, seats[0], "yes")
    login_as(convener)
    assert (
        client.post(f"/motions/{motion.id}/running-totals", data={"show": "1"}).status_code == 400
    )
    text = client.get(f"/motions/{motion.id}/progress", headers=HX).text
    assert "<strong>1</strong> / 2" in text
    assert seats[1].holder.name not in text and "赞成</th>" not in text


def test_progress_304_when_unchanged(app, ctx, client, login_as):
    """The progress fragment has a strong ETag; the same ETag gets 304 until a ballot arrives."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    login_as(convener)
    url = f"/motions/{motion.id}/progress"
    first = client.get(url, headers=HX)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and not etag.startswith("W/")
    assert "no-cache" in first.headers["Cache-Control"]
    unchanged = client.get(url, headers=HX | {"If-None-Match": etag})
    assert unchanged.status_code == 304 and unchanged.data == b""
    vote(client, login_as, seats[0].holder, motion, seats[0], "yes")
    login_as(convener)
    changed = client.get(url, headers=HX | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag


def test_an_unchanged_progress_is_answered_before_flask_and_only_to_its_conveners(
    app, ctx, client, login_as
):
    """The 304 comes before Flask, and only to a convener.

    A member holding the convener's ETag (which stands for the vote's progress) gets the 403
    the page gives them, and the convener's ended session is sent to sign in.
    """
    from app.accounts import sessions

    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    url = f"/motions/{motion.id}/progress"
    login_as(convener)
    etag = client.get(url, headers=HX).headers["ETag"]
    with requests_flask_started(app) as started:
        assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 304
        assert started == []
    login_as(seats[0].holder)
    assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 403
    login_as(convener)
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    sessions.end_session(db.session, token)
    db.session.commit()
    assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code in (302, 401)


def test_progress_query_count_does_not_grow(app, ctx, client, login_as):
    """The polled fragment sends the same number of statements with 2 or 20 present seats."""
    body, convener, meeting, item = sitting()
    check_in(meeting, seats_of(body, "street")[:2])
    motion = _open(meeting, item)
    login_as(convener)
    url = f"/motions/{motion.id}/progress"
    with counted_statements() as few:
        client.get(url, headers=HX)
    check_in(meeting, seats_of(body, "community") + seats_of(body, "merchant")[:6])
    for seat in seats_of(body, "community")[:5]:
        vote(client, login_as, seat.holder, motion, seat, "yes")
    login_as(convener)
    with counted_statements() as many:
        client.get(url, headers=HX)
    # 13 with the ETag fingerprint (issue 9), 14 with the seats standing aside (issue 18)
    assert len(many) == len(few) <= 14


def test_projector_panel_progress_then_result(app, ctx, client, login_as, captured_templates):
    """The projector panel shows voted/present while open and the frozen result in words after."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    db.session.commit()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    vote(client, login_as, seats[0].holder, motion, seats[0], "yes")
    client.post("/sign-out")
    captured_templates.clear()
    live = client.get(f"/meetings/{meeting.id}/vote-panel", headers=HX)
    assert captured_templates == ["voting/partials/projector_panel.html"]
    assert "已投票 1 / 出席 2" in live.text and seats[1].holder.name not in live.text
    assert (
        client.get(
            f"/meetings/{meeting.id}/vote-panel",
            headers=HX | {"If-None-Match": live.headers["ETag"]},
        ).status_code
        == 304
    )
    login_as(convener)
    client.post(f"/motions/{motion.id}/close", data=CONFIRMED)
    done = client.get(f"/meetings/{meeting.id}/vote-panel", headers=HX).text
    assert "✗ 未通过" in done and "赞成比例" in done  # 2 of 25 present: no quorum


def test_projector_panel_included_with_meeting_only(app, ctx):
    """The projector partial renders from `meeting` alone and loads itself from voting.panel."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    add_motion(meeting, item, status="cancelled", cancel_reason="弄错了", text="旧的")
    _open(meeting, item)
    with app.test_request_context():
        html = render_template("voting/partials/projector_panel.html", meeting=meeting)
        empty = render_template("voting/partials/item_motions.html", item=item, meeting=meeting)
    assert "同意沿街商户开放共享厕所" in html and "旧的" not in html
    assert f"/meetings/{meeting.id}/vote-panel" in html and "load, every 2s" in html
    assert "开始表决" not in empty and "结束表决并计票" in empty and "撤销原因：弄错了" in empty


def test_ballot_post_query_count(app, ctx, client, login_as):
    """Regression guard: a secret ballot POST sends exactly this many statements."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item, kind="secret")
    login_as(seat.holder)
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    with counted_statements() as statements:
        response = client.post(url, data={"choice": "yes", "confirm": "1"}, headers=HX)
    assert "您已投票" in response.text
    # The short path (app/voting/casting.py): one query for the session and every check
    # (live session, motion share-locked, seat, meeting, who votes the seat, 回避), the ballot's
    # INSERT, its sealed box, its pending audit event; after the commit the chain step (inline
    # in the suite, a thread's in production): its lock, the pending events, the newest chained
    # one, the INSERT into the chain and the DELETE of the pending. SQLite sends a BEGIN
    # IMMEDIATE for each of the two transactions.
    expected = 9 if db.engine.dialect.name == "postgresql" else 11
    assert len(statements) == expected, "\n".join(statements)


@pytest.mark.parametrize("htmx", [True, False])
def test_every_polled_answer_revalidates_per_person(app, ctx, client, login_as, htmx):
    """Progress, projector panel, ballot area, ballot link and changes: no-cache, Vary on both."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    db.session.commit()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    member_urls = [
        f"/meetings/{meeting.id}/vote-panel",
        f"/meetings/{meeting.id}/vote",
        f"/meetings/{meeting.id}/vote/link",
        f"/meetings/{meeting.id}/vote/changes?shown={motion.id}",
    ]
    headers = HX if htmx else {}
    answers = []
    login_as(seat.holder)
    answers += [client.get(url, headers=headers) for url in member_urls]
    login_as(convener)
    answers.append(client.get(f"/motions/{motion.id}/progress", headers=headers))
    for response in answers:
        assert response.status_code == 200, response.request.path
        assert response.headers["Cache-Control"] == "private, no-cache", response.request.path
        assert {"HX-Request", "Cookie"} <= set(response.vary), response.request.path
        assert response.headers["ETag"], response.request.path


def test_boosted_panel_request_gets_the_page(app, ctx, client, captured_templates):
    """A boosted htmx request (a followed link) wants the whole panel page, not the fragment."""
    body, convener, meeting, item = sitting()
    captured_templates.clear()
    client.get(f"/meetings/{meeting.id}/vote-panel", headers=HX | {"HX-Boosted": "true"})
    assert captured_templates[0] == "voting/panel.html"
