"""SQLite, the default database, under a room of 50 members writing at the same moment."""

import http.client
import os
import threading

import pytest
import sqlalchemy as sa
from werkzeug.serving import make_server

from app import audit
from app.extensions import db
from app.models import AuditEvent, SignInLink
from tests.conftest import session_token
from tests.factories import make_user

VOTERS = 50

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("TEST_DATABASE_URL")), reason="about the SQLite default only"
)


@pytest.fixture
def server(app):
    """The app over real HTTP on a free loopback port, one thread per request."""
    httpd = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield httpd.server_port
    httpd.shutdown()


def _all_at_once(work, items) -> list:
    """Run ``work(item)`` in one thread per item, released together; return the answers."""
    start = threading.Barrier(len(items))
    answers, errors = [], []

    def run(item):
        start.wait()
        try:
            answers.append(work(item))
        except Exception as error:  # noqa: BLE001 - collected and reported below
            errors.append(repr(error))

    threads = [threading.Thread(target=run, args=(item,)) for item in items]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    return answers


def test_fifty_members_opening_their_links_at_once(app, ctx, server):
    """50 simultaneous personal-link sign-ins over HTTP all succeed and each use is recorded."""
    tokens = []
    for _ in range(VOTERS):
        link, token = SignInLink.issue(make_user(password=None), None, days=30)
        db.session.add(link)
        tokens.append(token)
    db.session.commit()

    def open_link(token):
        connection = http.client.HTTPConnection("127.0.0.1", server, timeout=60)
        connection.request("GET", f"/l/{token}", headers={"Host": "lianxi.test"})
        response = connection.getresponse()
        body = response.read().decode()
        connection.close()
        assert "database is locked" not in body
        return response.status

    assert _all_at_once(open_link, tokens) == [302] * VOTERS
    used = sa.select(sa.func.count()).where(SignInLink.last_used_at.is_not(None))
    assert db.session.scalar(used) == VOTERS


def test_fifty_posts_that_write_at_once(app, ctx):
    """50 simultaneous form posts (issuing links, each audited) all land, chain unbroken."""
    admin, member = make_user(is_admin=True), make_user(password=None)
    admin_id, member_id = admin.id, member.id
    db.session.commit()
    tokens = [session_token(app, admin_id) for _ in range(VOTERS)]

    def issue(number):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = tokens[number]
        return client.post(f"/people/{member_id}/links").status_code

    assert _all_at_once(issue, list(range(VOTERS))) == [200] * VOTERS
    links = sa.select(sa.func.count()).where(SignInLink.user_id == member_id)
    assert db.session.scalar(links) == VOTERS
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent)) == VOTERS
    assert audit.verify() == (True, None)
