"""Fixtures for the reliability tests: rate limits switched on, extra apps on other databases."""

import os
from contextlib import ExitStack, contextmanager

import pytest
import sqlalchemy as sa

from app import create_app
from app.config import engine_options
from app.extensions import db, limiter

#: The settings of the suite's app that a second app on the same database must share.
SHARED = ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS", "UPLOAD_FOLDER")


@pytest.fixture
def rate_limited(app, monkeypatch):
    """Rate limits on for this test (the suite runs with them off), with empty counters."""
    monkeypatch.setitem(app.config, "RATELIMIT_ENABLED", True)
    limiter.reset()
    yield
    limiter.reset()


@contextmanager
def other_app(base, **config):
    """Another app like the suite's ``base`` (same database unless told); undone afterwards.

    Flask-Limiter keeps its storage on the one ``limiter`` object, so a second app rebinds it;
    the suite's settings come back when the block ends.
    """
    snapshot = dict(vars(limiter))
    other = create_app(
        {
            **{key: base.config[key] for key in SHARED},
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": False,
            "SERVER_NAME": "lianxi.test",
            **config,
        }
    )
    other.test_client_class = base.test_client_class
    try:
        yield other
    finally:
        with other.app_context():
            db.session.remove()
            db.engine.dispose()
        for key in list(vars(limiter)):
            if key not in snapshot:
                delattr(limiter, key)
        vars(limiter).update(snapshot)


@pytest.fixture
def make_app(app):
    """Build other apps for one test: ``make_app(**config)``."""
    with ExitStack() as stack:
        yield lambda **config: stack.enter_context(other_app(app, **config))


@contextmanager
def empty_database(tmp_path, role: str):
    """The URL of a new, empty database of the engine under test, dropped afterwards.

    SQLite: a file under ``tmp_path``. PostgreSQL: ``<suite database>_<role>`` on the same server,
    so engineers and CI running the suite on different databases never collide.
    """
    suite_url = os.environ.get("TEST_DATABASE_URL")
    if not suite_url:
        path = tmp_path / f"{role}.sqlite3"
        path.unlink(missing_ok=True)
        yield f"sqlite:///{path}"
        return
    url = sa.engine.make_url(suite_url)
    name = f"{url.database}_{role}"
    admin = sa.create_engine(url, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        connection.exec_driver_sql(f"CREATE DATABASE {name}")
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
        admin.dispose()


def app_settings_for(url: str) -> dict:
    """The settings that point an app at ``url``."""
    return {"SQLALCHEMY_DATABASE_URI": url, "SQLALCHEMY_ENGINE_OPTIONS": engine_options(url)}
