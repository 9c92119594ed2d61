"""A worker killed mid-burst loses no acknowledged ballot, duplicates none, and retries are safe.

Gunicorn (2 sync workers, the real configuration: CSRF on) serves ``wsgi:app`` on the suite's
PostgreSQL database. Sixty members sign in through their personal links, then their ballots are
fired from a thread pool; one worker is killed with SIGKILL in the middle. Every ballot the app
acknowledged must be in the database, none twice, and every unacknowledged one, sent again,
must either be recorded or answered "已经投过票了" — ending with one ballot per seat.
"""

import os
import re
import signal
import socket
import subprocess
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AgendaItem, Attendance, Ballot, Motion, SignInLink
from tests.factories import make_body, make_meeting

pytestmark = [
    pytest.mark.slow,
    pytest.mark.postgres,
    pytest.mark.skipif(
        not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"),
        reason="the crash test runs gunicorn on PostgreSQL: set TEST_DATABASE_URL to a "
        "postgresql:// database",
    ),
]

ROOT = Path(__file__).resolve().parents[2]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
SEATS = 60
RECORDED = "已经记录下来"
ALREADY = "已经投过票了"
_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_HEADER = re.compile(r'X-CSRFToken&#34;:\s*&#34;([^&]+)&#34;|"X-CSRFToken":\s*"([^"]+)"')


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Gunicorn serving ``wsgi:app`` on ``url``; ``stop()`` always ends it."""

    def __init__(self, url: str, log: Path):
        self.port = _free_port()
        env = {
            **os.environ,
            "DATABASE_URL": url,
            "SECRET_KEY": "crash-test-secret",
            "PYTHONPATH": str(ROOT),
        }
        command = [str(GUNICORN), "--workers", "2", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--log-level", "warning", "wsgi:app"]
        self.log = log
        with log.open("w") as out:
            self.process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=out, stderr=out)

    def workers(self) -> list[int]:
        """The master's live worker processes (its children, read from /proc)."""
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def wait_until_up(self, workers: int = 2) -> None:
        """Until ``workers`` workers run and the sign-in page answers (or fail with the log)."""
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            if len(self.workers()) >= workers:
                try:
                    if request(self.port, "GET", "/sign-in")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text()[-3000:])

    def stop(self) -> None:
        """Stop gunicorn (SIGTERM, then SIGKILL if it lingers)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def request(port, method, path, cookies=None, form=None, headers=None):
    """One HTTP request on a new connection: (status, body text, cookies it set)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=15)
    try:
        sent = {"Cookie": "; ".join(f"{k}={v}" for k, v in (cookies or {}).items())}
        body = None
        if form is not None:
            body = urlencode(form)
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        connection.request(method, path, body=body, headers=sent | (headers or {}))
        response = connection.getresponse()
        text = response.read().decode("utf-8", "replace")
        set_cookies = {}
        for header in response.headers.get_all("Set-Cookie") or []:
            name, _, value = header.split(";", 1)[0].partition("=")
            set_cookies[name.strip()] = value.strip().strip('"')
        return response.status, text, set_cookies
    finally:
        connection.close()


def _world():
    """60 seats checked in to a sitting meeting with an open roll-call motion; a link each."""
    body = make_body(
        constituencies=[("community", 30, "1/2", False), ("merchant", 30, "1/2", False)]
    )
    meeting = make_meeting(body, status="in_session", opened_at=clock.now())
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="共享厕所")
    db.session.add(item)
    db.session.flush()
    meeting.current_item_id = item.id
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意开放共享厕所",
        kind="roll_call",
        rule=body.default_rule,
        status="open",
        opened_at=clock.now() - timedelta(minutes=1),
    )
    db.session.add(motion)
    voters = []
    for constituency in body.constituencies:
        for seat in constituency.seat_list:
            db.session.add(
                Attendance(
                    meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="link"
                )
            )
            link, token = SignInLink.issue(seat.holder, None, days=1)
            db.session.add(link)
            voters.append((seat.id, token))
    db.session.commit()
    return meeting.id, motion.id, voters


def _sign_in(port, meeting_id, token):
    """A member's cookies and CSRF token: the personal link, then the ballot page."""
    status, _, cookies = request(port, "GET", f"/l/{token}")
    assert status in (302, 303), status
    status, page, more = request(port, "GET", f"/meetings/{meeting_id}/vote", cookies)
    assert status == 200, status
    cookies |= more
    found = _CSRF_INPUT.search(page) or _CSRF_HEADER.search(page)
    assert found, "no CSRF token on the ballot page"
    return cookies, next(group for group in found.groups() if group)


def _cast(port, motion_id, seat_id, session):
    """Send one ballot as htmx does: (seat, status or None, body or the error)."""
    cookies, csrf = session
    try:
        status, text, _ = request(
            port,
            "POST",
            f"/motions/{motion_id}/seats/{seat_id}/ballot",
            cookies,
            {"choice": "yes", "confirm": "1", "csrf_token": csrf},
            {"HX-Request": "true", "X-CSRFToken": csrf},
        )
    except OSError as error:  # connection reset or closed by the killed worker
        return seat_id, None, repr(error)
    return seat_id, status, text


def _ballots(motion_id):
    db.session.rollback()
    rows = db.session.execute(
        sa.select(sa.func.count(), sa.func.count(sa.distinct(Ballot.seat_id))).where(
            Ballot.motion_id == motion_id
        )
    ).one()
    seats = set(db.session.scalars(sa.select(Ballot.seat_id).where(Ballot.motion_id == motion_id)))
    return rows[0], rows[1], seats


def test_killed_worker_loses_no_acknowledged_ballot(app, ctx, tmp_path):
    """SIGKILL of a worker mid-burst: acknowledged ballots kept, none doubled, retries safe."""
    meeting_id, motion_id, voters = _world()
    server = Server(app.config["SQLALCHEMY_DATABASE_URI"], tmp_path / "gunicorn.log")
    try:
        server.wait_until_up()
        with ThreadPoolExecutor(8) as pool:
            sessions = dict(
                zip(
                    [seat for seat, _ in voters],
                    pool.map(lambda v: _sign_in(server.port, meeting_id, v[1]), voters),
                    strict=True,
                )
            )
        done, killed = threading.Event(), []
        answered = []

        def killer():
            """Kill one worker once a third of the ballots have been answered."""
            while not done.is_set() and len(answered) < SEATS // 3:
                time.sleep(0.002)
            victim = server.workers()[0]
            os.kill(victim, signal.SIGKILL)
            killed.append(victim)

        watcher = threading.Thread(target=killer)
        watcher.start()

        def fire(seat_id):
            result = _cast(server.port, motion_id, seat_id, sessions[seat_id])
            answered.append(result)
            return result

        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(fire, sessions))
        done.set()
        watcher.join()
        assert killed, "no worker was killed"

        acknowledged = {
            seat for seat, status, text in results if status == 200 and RECORDED in text
        }
        count, distinct, stored = _ballots(motion_id)
        assert acknowledged <= stored, f"acknowledged but lost: {acknowledged - stored}"
        assert count == distinct, "a seat has two ballots"
        assert all(status is None or status in (200, 502, 503) for _, status, _ in results), [
            (status, text[:200]) for _, status, text in results if status not in (None, 200)
        ]

        server.wait_until_up()
        retried = [seat for seat, status, text in results if seat not in acknowledged]
        for seat_id in retried:
            _, status, text = _cast(server.port, motion_id, seat_id, sessions[seat_id])
            assert status == 200 and (RECORDED in text or ALREADY in text), (status, text[:300])
        count, distinct, stored = _ballots(motion_id)
        assert count == distinct == SEATS and stored == set(sessions)
    finally:
        server.stop()
