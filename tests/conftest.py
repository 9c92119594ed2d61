"""Shared fixtures: an app on SQLite or PostgreSQL, a clean database per test, a client.

The database is TEST_DATABASE_URL when set, else a SQLite file of this run. ``login_as`` signs a
person in without the form.

The schema is created once per run; after every test each table is emptied, so every test
starts from a clean database while the suite stays fast on both engines.
"""

import contextvars
import os

import pytest
from flask import has_app_context
from flask.testing import FlaskClient
from hypothesis import settings
from jinja2 import StrictUndefined

from app import create_app
from app.accounts import sessions
from app.config import engine_options
from app.extensions import db
from app.models import User

# Property tests check results, not speed: no per-example deadline (on a loaded machine one
# example can take longer than Hypothesis's default 200 ms and fail a correct run).
settings.register_profile("lianxi", deadline=None)
settings.load_profile("lianxi")


#: The fixtures through which a test reaches a database: the app's, a fresh one to migrate
#: (tests/test_migrations.py), two app instances' (tests/instances/).
DATABASE_FIXTURES = {"app", "fresh_url", "cluster"}


def pytest_collection_modifyitems(config, items):
    """Mark tests ``browser`` (they drive Chromium) and ``no_database`` (they reach no database).

    CI runs both kinds once, in the SQLite run: a page is the same on both engines, and a test
    that reaches no database (the counting rules, the pure domain functions, the CLI on a file)
    has nothing to learn from a second engine.
    """
    for item in items:
        if item.nodeid.startswith(("tests/browser/", "tests/reliability/test_csp_browser.py")):
            item.add_marker(pytest.mark.browser)
        if not DATABASE_FIXTURES & set(item.fixturenames):
            item.add_marker(pytest.mark.no_database)


def database_url(tmp_path_factory) -> str:
    """The database the suite runs on: TEST_DATABASE_URL, else a SQLite file of this run."""
    if url := os.environ.get("TEST_DATABASE_URL"):
        return url
    return f"sqlite:///{tmp_path_factory.mktemp('db') / 'test.sqlite3'}"


class FreshContextClient(FlaskClient):
    """A test client whose every request gets its own app context, as in production.

    Without this a request made inside a test's ``ctx`` would reuse the test's app context, and
    with it ``g`` (Flask-Login's cached user) and the database session of the test.
    """

    def open(self, *args, **kwargs):
        """Run the request in an empty context, after committing the test's transaction."""
        if has_app_context():
            # End the test's own transaction first: the request then sees what the test made,
            # and the test's next read (expired by the commit) sees what the request did.
            db.session.commit()
        return contextvars.Context().run(super().open, *args, **kwargs)


@pytest.fixture(scope="session")
def app(tmp_path_factory):
    """The application, configured for tests, with the schema created once."""
    url = database_url(tmp_path_factory)
    app = create_app(
        {
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "SQLALCHEMY_DATABASE_URI": url,
            "SQLALCHEMY_ENGINE_OPTIONS": test_engine_options(url),
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "lianxi.test",
            # A test sees the chain as soon as its request returns (app/audit_chainer.py).
            "LIANXI_AUDIT_CHAIN": "inline",
            "UPLOAD_FOLDER": str(tmp_path_factory.mktemp("uploads")),
            "BALLOT_KEY_DIR": str(tmp_path_factory.mktemp("ballot-keys") / "keys"),
        }
    )
    app.jinja_env.undefined = StrictUndefined
    app.test_client_class = FreshContextClient
    with app.app_context():
        db.drop_all()
        db.create_all()
    yield app
    with app.app_context():
        db.session.remove()
        db.engine.dispose()


def test_engine_options(url: str) -> dict:
    """The app's engine options; on PostgreSQL, commits that do not wait for the disk.

    ``synchronous_commit=off`` only lets the server acknowledge a commit before its WAL reaches
    the disk (a crash of the server may lose the last commits, never corrupt anything): for a
    test database thrown away after the run it removes a disk flush from every test, while
    locking, isolation and every constraint behave exactly as in production.
    """
    options = engine_options(url)
    if url.startswith("postgresql"):
        options["connect_args"] = {"options": "-c synchronous_commit=off"}
    return options


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Empty every table after each test that used the app."""
    yield
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    with app.app_context():
        db.session.remove()
        empty_all_tables()


def empty_all_tables() -> None:
    """Delete every row of every table, children first, and restart PostgreSQL's id sequences.

    DELETE rather than TRUNCATE: on tables of a few rows TRUNCATE's fixed cost per table (new
    files, a lock on each of the 60-odd tables) made it twenty times slower, most of the
    PostgreSQL run's time. On PostgreSQL the deletes and the restart of the id sequences go
    in one round trip (65 round trips were a seventh of a test's time), so ids start at 1 in
    every test on both engines.
    """
    tables = db.metadata.sorted_tables
    with db.engine.begin() as connection:
        if connection.dialect.name == "postgresql":
            # One round trip: a query without parameters may hold several statements.
            deletes = [f'DELETE FROM "{table.name}"' for table in reversed(tables)]
            connection.exec_driver_sql("; ".join([*deletes, _restart_sequences_sql(tables)]))
        else:
            for table in reversed(tables):
                connection.execute(table.delete())


def _restart_sequences_sql(tables) -> str:
    """One SELECT that sets every table's ``id`` sequence back to 1 (NULL for tables without)."""
    restarts = [
        f"setval(pg_get_serial_sequence('{table.name}', 'id'), 1, false)"
        for table in tables
        if "id" in table.columns and table.columns["id"].autoincrement in (True, "auto")
    ]
    return "SELECT " + ", ".join(restarts)


@pytest.fixture
def ctx(app):
    """An application context for code that talks to the database outside a request."""
    with app.app_context():
        yield
        db.session.remove()


@pytest.fixture
def client(app):
    """A test client."""
    return app.test_client()


@pytest.fixture
def login_as(client):
    """Sign a person in on the test client without going through the form."""

    def login(user):
        token = session_token(client.application, user.id)
        with client.session_transaction() as session:
            session["_user_id"] = token
            session["_fresh"] = True
        return client

    return login


def session_token(app, user_id: int) -> str:
    """Open a live server-side session for the person; the token the session cookie holds."""

    def make() -> str:
        token = sessions.open_session(db.session, db.session.get(User, user_id))
        db.session.commit()
        return token

    if has_app_context():
        return make()
    with app.app_context():
        try:
            return make()
        finally:
            db.session.remove()


@pytest.fixture
def captured_templates(app):
    """The templates rendered during the test, to tell a fragment from a full page."""
    from flask import template_rendered

    recorded = []

    def record(sender, template, context, **extra):
        recorded.append(template.name)

    template_rendered.connect(record, app)
    yield recorded
    template_rendered.disconnect(record, app)
