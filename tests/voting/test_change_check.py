"""The ballot page's change check: an unchanged poll is one query, and still checks the session.

Every phone in the room asks ``/meetings/<id>/vote/changes`` every 5 s. An unchanged answer is
a 304 from one query joining the live session to the meeting's open votes, before any person,
form or template is loaded; a session ended a moment ago is refused at its next poll, and a
vote opened or closed meanwhile answers 200 with the notice.
"""

from app.accounts import sessions
from app.extensions import db
from app.models import MeetingStatus
from tests.voting.helpers import (
    add_motion,
    check_in,
    requests_flask_started,
    seats_of,
    sitting,
)
from tests.voting.test_web_progress import HX, _open, counted_statements


def _room(login_as):
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    login_as(seat.holder)
    return meeting, item, motion, f"/meetings/{meeting.id}/vote/changes?shown={motion.id}"


def test_an_unchanged_poll_is_one_query_and_304(app, ctx, client, login_as):
    """First poll 200 with an ETag; the same poll again is 304 after exactly one SQL statement."""
    meeting, item, motion, url = _room(login_as)
    first = client.get(url, headers=HX)
    assert first.status_code == 200 and "表决有更新" not in first.text
    etag = first.headers["ETag"]
    with counted_statements() as statements:
        again = client.get(url, headers=HX | {"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    assert "no-cache" in again.headers["Cache-Control"] and "Cookie" in again.headers["Vary"]
    assert [s.split()[0] for s in statements if not s.startswith("BEGIN")] == ["SELECT"]
    assert "user_sessions" in statements[-1] and "motions" in statements[-1]


def test_an_ended_session_is_refused_at_its_next_poll(app, ctx, client, login_as):
    """Signing out on another device ends the session: the very next poll is not answered 304."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    sessions.end_session(db.session, token)
    db.session.commit()
    refused = client.get(url, headers=HX | {"If-None-Match": etag})
    assert refused.status_code in (302, 401)
    assert "/sign-in" in refused.headers.get("Location", "") or refused.status_code == 401


def test_a_vote_opened_meanwhile_answers_200_with_the_notice(app, ctx, client, login_as):
    """A second vote opened since the page was shown: the old ETag gets 200 and the notice."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    _open(meeting, item)
    changed = client.get(url, headers=HX | {"If-None-Match": etag})
    assert changed.status_code == 200 and changed.headers["ETag"] != etag
    assert "表决有更新" in changed.text


def test_a_vote_closed_meanwhile_answers_200_with_the_notice(app, ctx, client, login_as):
    """The vote shown was closed: the change check says so."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    motion.frozen, motion.status = {"result": {}}, "closed"
    db.session.commit()
    changed = client.get(url, headers=HX | {"If-None-Match": etag})
    assert changed.status_code == 200 and "表决有更新" in changed.text


def test_a_draft_meeting_takes_the_ordinary_path(app, ctx, client, login_as):
    """A meeting back in draft is hidden from members: 404, never a 304 from the quick path."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    meeting.status = MeetingStatus.DRAFT
    db.session.commit()
    assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 404


def test_an_anonymous_poll_is_sent_to_sign_in(app, ctx, client):
    """No session at all: the ordinary path asks to sign in."""
    body, convener, meeting, item = sitting()
    add_motion(meeting, item)
    response = client.get(f"/meetings/{meeting.id}/vote/changes?shown=1", headers=HX)
    assert response.status_code in (302, 401)


def test_the_unchanged_answer_is_given_before_flask(app, ctx, client, login_as):
    """The 304 comes from the middleware in front of the app: no Flask request is started."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    with requests_flask_started(app) as started:
        assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 304
        assert started == []
        # A change goes on to Flask, which renders the notice.
        _open(meeting, item)
        assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 200
        assert len(started) == 1


def test_a_forged_session_cookie_is_not_answered_304(app, ctx, client, login_as):
    """A session cookie signed with another key carries nothing: Flask sends it to sign in."""
    from itsdangerous import URLSafeTimedSerializer

    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    with client.session_transaction() as cookie:
        token = cookie["_user_id"]
    forged = URLSafeTimedSerializer("another-key", salt="cookie-session").dumps({"_user_id": token})
    host = app.config["SERVER_NAME"].split(":")[0]
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], forged, domain=host)
    refused = client.get(url, headers=HX | {"If-None-Match": etag})
    assert refused.status_code in (302, 401)


def test_the_tag_follows_the_language_and_page_or_fragment(app, ctx, client, login_as):
    """A tag given to the Chinese fragment does not stand for the English one, nor the page."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    assert client.get(url, headers={"If-None-Match": etag}).status_code == 200
    host = app.config["SERVER_NAME"].split(":")[0]
    client.set_cookie("lianxi_lang", "en", domain=host)
    english = client.get(url, headers=HX | {"If-None-Match": etag})
    assert english.status_code == 200 and english.headers["ETag"] != etag
    assert (
        client.get(url, headers=HX | {"If-None-Match": english.headers["ETag"]}).status_code == 304
    )


def test_an_unknown_host_is_not_answered_304(app, ctx, client, login_as):
    """A host outside TRUSTED_HOSTS goes on to Flask, which refuses it."""
    meeting, item, motion, url = _room(login_as)
    etag = client.get(url, headers=HX).headers["ETag"]
    host = app.config["SERVER_NAME"].split(":")[0]
    name = app.config["SESSION_COOKIE_NAME"]
    # The same session cookie, sent to the other host too.
    client.set_cookie(name, client.get_cookie(name, domain=host).value, domain="evil.example")
    app.config["TRUSTED_HOSTS"], trusted = [host], app.config["TRUSTED_HOSTS"]
    try:
        assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 304
        evil = {"If-None-Match": etag, "Host": "evil.example"}
        answer = client.get(url, headers=HX | evil)
    finally:
        app.config["TRUSTED_HOSTS"] = trusted
    assert answer.status_code != 304
