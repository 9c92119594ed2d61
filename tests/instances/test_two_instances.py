"""Two app instances on one PostgreSQL and one Redis behave as one app (issue 19, part 4).

Production grows by adding app servers, not by a home-made cluster: nginx spreads requests over
N gunicorn instances, and everything they share lives in PostgreSQL (data, sessions, the audit
chain, ballots) or Redis (rate-limit counters). Here two gunicorn instances, separate processes on
separate ports, configured from the environment as an operator would (README, "Production"),
serve one database and one Redis database, and every check goes through real HTTP requests:

- one seat tapping its ballot through both instances at the same instant gets one ballot;
- wrong passwords split over both instances are limited at the same total as on one;
- signing out on one instance ends the session on the other at once;
- a secret vote opened on one instance takes ballots and is counted on the other (the instances
  share the ballot-key directory, as all instances on one machine do);
- both instances appending audit events at once leave one unbroken chain.

It needs PostgreSQL (TEST_DATABASE_URL, CI's second run) and Redis on 127.0.0.1:6379; it makes
its own database ``<suite database>_instances`` and uses Redis database 13, both emptied after.
"""

from __future__ import annotations

import os
import threading
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest
import redis
import sqlalchemy as sa
from flask import Flask
from flask_migrate import upgrade

from app import audit, create_app
from app.config import engine_options
from app.extensions import db, limiter
from app.models import AuditEvent, Ballot, Motion, SealedBallot, SecretCount, SignInLink, User
from tests.factories import PASSWORD, make_user
from tests.servers import Server, csrf_token
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

SUITE_URL = os.environ.get("TEST_DATABASE_URL", "")
pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        not SUITE_URL.startswith("postgresql"),
        reason="two app instances share one PostgreSQL and one Redis: set TEST_DATABASE_URL to "
        "a postgresql:// database (CI's second run)",
    ),
]

REDIS_URL = "redis://127.0.0.1:6379/13"
SECRET_KEY = "two-instances-" + os.urandom(8).hex()
PUBLIC_URL = "http://lianxi.test"
RECORDED = "已经记录下来"
ALREADY = "已经投过票了"
#: Generous for a loaded two-core machine: nothing here is timed, only waited for.
READY_SECONDS = 90
REQUEST_SECONDS = 120


@dataclass
class Cluster:
    """The two instances, the app that seeds their database, and the shared key directory."""

    a: Server
    b: Server
    app: Flask
    key_dir: Path


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    """Two gunicorn instances on a fresh, migrated database and an empty Redis database."""
    store = redis.Redis.from_url(REDIS_URL)
    try:
        store.ping()
    except redis.ConnectionError:
        pytest.skip(f"two app instances share one Redis: Redis is not running at {REDIS_URL}")
    store.flushdb()
    tmp = tmp_path_factory.mktemp("instances")
    key_dir = tmp / "ballot-keys"
    with _database("instances") as url, _seeding_app(url, key_dir) as app:
        env = {
            "DATABASE_URL": url,
            "SECRET_KEY": SECRET_KEY,
            "REDIS_URL": REDIS_URL,
            "LIANXI_BASE_URL": PUBLIC_URL,
            "LIANXI_BALLOT_KEYS": str(key_dir),
            "LIANXI_UPLOADS": str(tmp / "uploads"),
        }
        servers = []
        try:
            servers.append(Server(env, tmp / "a.log", preload=True))
            servers.append(Server(env, tmp / "b.log", preload=True))
            for server in servers:
                server.wait_until_up(timeout=READY_SECONDS)
            yield Cluster(servers[0], servers[1], app, key_dir)
        finally:
            for server in servers:
                server.ask_to_stop()
            for server in servers:
                server.stop()
            store.flushdb()
            store.close()


@contextmanager
def _database(role: str):
    """``<suite database>_<role>`` on the suite's server, created empty and dropped afterwards."""
    suite = sa.engine.make_url(SUITE_URL)
    name = f"{suite.database}_{role}"
    admin = sa.create_engine(suite, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield suite.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


@contextmanager
def _seeding_app(url: str, key_dir: Path):
    """An app in this process on the instances' database: migrates it, seeds it, reads it.

    Flask-Limiter keeps its storage on the one ``limiter`` object, which a new app rebinds; the
    suite's is put back afterwards.
    """
    suite_limiter = dict(vars(limiter))
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": SECRET_KEY,
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url),
            "RATELIMIT_ENABLED": False,
            "BALLOT_KEY_DIR": str(key_dir),
        }
    )
    try:
        with app.app_context():
            upgrade()  # the app's own migrations, as `flask db upgrade` runs them
        yield app
    finally:
        with app.app_context():
            db.session.remove()
            db.engine.dispose()
        for key in list(vars(limiter)):
            if key not in suite_limiter:
                delattr(limiter, key)
        vars(limiter).update(suite_limiter)


class Phone:
    """One person's browser: its cookies and CSRF token, used on either instance."""

    def __init__(self, cookies: dict[str, str] | None = None, csrf: str = ""):
        self.cookies = dict(cookies or {})
        self.csrf = csrf

    def get(self, server: Server, path: str):
        """GET ``path``, keeping the cookies it sets and the page's CSRF token."""
        status, text, cookies = server.request("GET", path, self.cookies, timeout=REQUEST_SECONDS)
        self.cookies |= cookies
        if status == 200 and ("csrf_token" in text or "X-CSRFToken" in text):
            self.csrf = csrf_token(text)
        return status, text

    def post(self, server: Server, path: str, form: dict, htmx: bool = False, keep=False):
        """POST a form with this phone's CSRF token; ``keep`` the cookies it sets.

        Not keeping them is what lets many threads post from one phone at once.
        """
        headers = {"X-CSRFToken": self.csrf}
        if htmx:
            headers["HX-Request"] = "true"
        status, text, cookies = server.request(
            "POST",
            path,
            self.cookies,
            {**form, "csrf_token": self.csrf},
            headers,
            timeout=REQUEST_SECONDS,
        )
        if keep:
            self.cookies |= cookies
        return status, text


def _signed_in(cluster: Cluster, server: Server, user_id: int, page: str) -> Phone:
    """A phone signed in on ``server`` through the person's personal link, ``page`` opened."""
    with cluster.app.app_context():
        link, token = SignInLink.issue(db.session.get_one(User, user_id), None, days=1)
        db.session.add(link)
        db.session.commit()
    phone = Phone()
    status, _ = phone.get(server, f"/l/{token}")
    assert status in (302, 303), status
    status, _ = phone.get(server, page)
    assert status == 200, status
    return phone


def _at_once(jobs):
    """Run every job on its own thread, released at the same instant; their results in order."""
    barrier = threading.Barrier(len(jobs))
    results = [None] * len(jobs)

    def run(index):
        barrier.wait()
        try:
            results[index] = jobs[index]()
        except Exception as error:  # noqa: BLE001 - reported by the assertion below
            results[index] = (None, repr(error))

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(jobs))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=REQUEST_SECONDS * 2)
    return results


def _voting_room(cluster: Cluster, kind: str, seats: int | None = None):
    """A sitting meeting whose seats (the first ``seats`` merchants, or all) are checked in.

    Returns (meeting id, motion id, convener id, [(seat id, holder id)]).
    """
    with cluster.app.app_context():
        body, convener, meeting, item = sitting()
        chosen = (
            seats_of(body, "merchant")[:seats]
            if seats
            else [seat for c in body.constituencies for seat in c.seat_list]
        )
        check_in(meeting, chosen)
        motion = add_motion(meeting, item, kind=kind)
        return meeting.id, motion.id, convener.id, [(s.id, s.holder_id) for s in chosen]


def _open(cluster: Cluster, server: Server, motion_id: int, convener_id: int) -> Phone:
    """The convener opens the motion through ``server``; their phone."""
    convener = _signed_in(cluster, server, convener_id, f"/motions/{motion_id}")
    status, text = convener.post(server, f"/motions/{motion_id}/open", {"confirmed": "yes"})
    assert status == 302, (status, text[:500])
    return convener


def _ballot(phone: Phone, server: Server, motion_id: int, seat_id: int, choice: str):
    """One ballot as htmx on a phone sends it (confirmed): (status, answer)."""
    return phone.post(
        server,
        f"/motions/{motion_id}/seats/{seat_id}/ballot",
        {"choice": choice, "confirm": "1"},
        htmx=True,
    )


def test_one_seat_tapping_through_both_instances_gets_one_ballot(cluster):
    """20 taps for one seat at the same instant, split over both instances: one ballot."""
    meeting_id, motion_id, convener_id, [(seat_id, holder_id)] = _voting_room(
        cluster, "roll_call", seats=1
    )
    _open(cluster, cluster.a, motion_id, convener_id)
    phone = _signed_in(cluster, cluster.b, holder_id, f"/meetings/{meeting_id}/vote")
    choices = [("yes", "no", "abstain")[n % 3] for n in range(20)]
    servers = [(cluster.a, cluster.b)[n % 2] for n in range(20)]
    answers = _at_once(
        [
            lambda s=server, c=choice: _ballot(phone, s, motion_id, seat_id, c)
            for server, choice in zip(servers, choices, strict=True)
        ]
    )

    assert all(status == 200 for status, _ in answers), [a for a in answers if a[0] != 200][:2]
    recorded = [n for n, (_, text) in enumerate(answers) if RECORDED in text]
    already = [n for n, (_, text) in enumerate(answers) if ALREADY in text]
    assert len(recorded) == 1 and len(already) == 19, (len(recorded), len(already))
    with cluster.app.app_context():
        stored = db.session.scalars(sa.select(Ballot).where(Ballot.motion_id == motion_id)).all()
        assert [(b.seat_id, b.choice) for b in stored] == [(seat_id, choices[recorded[0]])]
        assert audit.verify() == (True, None)  # (chains any event still pending first)
        cast_events = db.session.scalars(
            sa.select(AuditEvent.after).where(AuditEvent.action == "ballot.cast")
        ).all()
        assert sum(1 for after in cast_events if after["motion_id"] == motion_id) == 1


def test_a_rate_limit_counts_across_both_instances(cluster):
    """20 wrong passwords for one account at once over both instances: 5 checked, as on one."""
    with cluster.app.app_context():
        make_user(username="limited19")
    stranger = Phone()
    assert stranger.get(cluster.a, "/sign-in")[0] == 200
    wrong = {"login": "limited19", "password": "not the password"}
    answers = _at_once(
        [
            lambda s=(cluster.a, cluster.b)[n % 2]: stranger.post(s, "/sign-in", wrong)
            for n in range(20)
        ]
    )
    statuses = Counter(status for status, _ in answers)
    assert statuses == {200: 5, 429: 15}, statuses
    # The account is now limited on both instances, even with the right password.
    for server in (cluster.a, cluster.b):
        newcomer = Phone()
        assert newcomer.get(server, "/sign-in")[0] == 200
        right = {"login": "limited19", "password": PASSWORD}
        assert newcomer.post(server, "/sign-in", right)[0] == 429


def test_signing_out_on_one_instance_ends_the_session_on_the_other(cluster):
    """Signed in on A, the cookies work on B; signed out on A, the same cookies open nothing."""
    with cluster.app.app_context():
        make_user(username="leaving19")
    phone = Phone()
    assert phone.get(cluster.a, "/sign-in")[0] == 200
    form = {"login": "leaving19", "password": PASSWORD}
    status, text = phone.post(cluster.a, "/sign-in", form, keep=True)
    assert status == 302, text[:500]
    assert phone.get(cluster.b, "/me")[0] == 200
    kept = dict(phone.cookies)  # session and "remember me" cookies, as a thief would keep them

    assert phone.post(cluster.a, "/sign-out", {})[0] == 302

    for server in (cluster.b, cluster.a):
        status, _, _ = server.request("GET", "/me", kept)
        assert status == 302, "the session outlived its sign-out on the other instance"


def test_a_secret_vote_opened_on_one_instance_is_counted_on_the_other(cluster):
    """Opened on A (key made there), ballots through both, closed and counted on B."""
    meeting_id, motion_id, convener_id, seats = _voting_room(cluster, "secret", seats=3)
    convener = _open(cluster, cluster.a, motion_id, convener_id)
    assert (cluster.key_dir / f"motion-{motion_id}.key").exists()
    plan = list(zip(seats, ("yes", "no", "yes"), (cluster.b, cluster.a, cluster.b), strict=True))
    for (seat_id, holder_id), choice, server in plan:
        other = cluster.a if server is cluster.b else cluster.b
        phone = _signed_in(cluster, other, holder_id, f"/meetings/{meeting_id}/vote")
        status, text = _ballot(phone, server, motion_id, seat_id, choice)
        assert status == 200 and RECORDED in text, (status, text[:500])

    convener.get(cluster.b, f"/motions/{motion_id}")
    status, text = convener.post(cluster.b, f"/motions/{motion_id}/close", {"confirmed": "yes"})
    assert status == 302, (status, text[:500])
    with cluster.app.app_context():
        assert db.session.get(Motion, motion_id).status == "closed"
        counts = db.session.execute(
            sa.select(SecretCount.choice, sa.func.sum(SecretCount.count))
            .where(SecretCount.motion_id == motion_id)
            .group_by(SecretCount.choice)
        ).all()
        assert dict(counts) == {"yes": 2, "no": 1, "abstain": 0}
        boxes = sa.select(sa.func.count()).where(SealedBallot.motion_id == motion_id)
        assert db.session.scalar(boxes) == 0
    assert not (cluster.key_dir / f"motion-{motion_id}.key").exists()


def test_both_instances_writing_at_once_leave_one_unbroken_audit_chain(cluster):
    """25 ballots at the same instant over both instances: 25 events, one chain that verifies."""
    meeting_id, motion_id, convener_id, seats = _voting_room(cluster, "roll_call")
    _open(cluster, cluster.b, motion_id, convener_id)
    servers = [(cluster.a, cluster.b)[n % 2] for n in range(len(seats))]
    with ThreadPoolExecutor(4) as pool:
        phones = list(
            pool.map(
                lambda server, holder_id: _signed_in(
                    cluster, server, holder_id, f"/meetings/{meeting_id}/vote"
                ),
                servers,
                [holder_id for _, holder_id in seats],
            )
        )
    with cluster.app.app_context():
        assert audit.verify() == (True, None)
        before = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))

    answers = _at_once(
        [
            lambda p=phone, s=server, seat=seat_id: _ballot(p, s, motion_id, seat, "yes")
            for phone, server, (seat_id, _) in zip(phones, servers, seats, strict=True)
        ]
    )

    assert all(status == 200 and RECORDED in text for status, text in answers), [
        (status, text[:300]) for status, text in answers if status != 200 or RECORDED not in text
    ][:2]
    # `flask audit verify` as an operator runs it (it chains any event still pending first).
    result = cluster.app.test_cli_runner().invoke(args=["audit", "verify"])
    assert result.exit_code == 0, result.output
    with cluster.app.app_context():
        after = db.session.scalar(sa.select(sa.func.count(AuditEvent.id)))
        assert after - before == len(seats) == 25
        ballots = sa.select(sa.func.count()).where(Ballot.motion_id == motion_id)
        assert db.session.scalar(ballots) == 25
        assert audit.verify() == (True, None)
