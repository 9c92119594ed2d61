"""The factory, configuration, error pages and preferences (language, 长辈版)."""

import re

from app import create_app
from app.config import from_environment


def test_secret_key_is_generated_once_into_instance(tmp_path, monkeypatch):
    """Without SECRET_KEY a random key is written to instance/ and read back on the next start."""
    monkeypatch.delenv("SECRET_KEY", raising=False)
    first = from_environment(str(tmp_path))["SECRET_KEY"]
    second = from_environment(str(tmp_path))["SECRET_KEY"]
    assert len(first) == 64 and first == second
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_environment_overrides_defaults(tmp_path, monkeypatch):
    """DATABASE_URL, SECRET_KEY and LIANXI_LOCALE come from the environment."""
    monkeypatch.setenv("SECRET_KEY", "from-env")
    monkeypatch.setenv("DATABASE_URL", "postgresql+psycopg://x@127.0.0.1/y")
    monkeypatch.setenv("LIANXI_LOCALE", "en")
    config = from_environment(str(tmp_path))
    assert config["SECRET_KEY"] == "from-env"
    assert config["SQLALCHEMY_DATABASE_URI"].startswith("postgresql")
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert config["LIANXI_LOCALE"] == "en"


def test_default_database_is_sqlite_in_instance(tmp_path, monkeypatch):
    """With no DATABASE_URL the app keeps a SQLite file under instance/ with a busy timeout."""
    monkeypatch.delenv("DATABASE_URL", raising=False)
    config = from_environment(str(tmp_path))
    assert config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'lianxi.sqlite3'}"
    assert config["SQLALCHEMY_ENGINE_OPTIONS"]["connect_args"]["timeout"] >= 5


def test_test_config_overrides_environment(tmp_path):
    """create_app(test_config) wins over the environment."""
    app = create_app({"SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/x.db", "TESTING": True})
    assert app.testing
    assert app.config["SQLALCHEMY_DATABASE_URI"].endswith("x.db")


def test_sqlite_runs_in_wal_mode_with_busy_timeout(app, ctx):
    """The embedded default uses WAL and waits for locks instead of failing."""
    from app.extensions import db

    if db.engine.dialect.name != "sqlite":
        import pytest

        pytest.skip("SQLite-only setting (this run is on PostgreSQL)")
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() == 30000
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_home_page_is_chinese_with_board_and_sign_in(client):
    """The home page speaks Chinese by default and offers the board and a sign-in."""
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="zh-Hans"' in html
    assert "议事公示栏" in html and "登录" in html
    # htmx is served by the app itself: no script or stylesheet from another host (a CDN).
    # (Not a search for "cdn" in the page: a per-response masked CSRF token may contain it.)
    assert '<script src="/static/vendor/htmx.min.js' in html
    assert not re.search(r'<(?:script|link)[^>]+(?:src|href)="(?:https?:)?//', html)


def test_language_switch_to_english_sticks(client):
    """Choosing English sets a long-lived cookie and the next page is in English."""
    response = client.post("/preferences/language", data={"language": "en", "next": "/"})
    assert response.status_code == 302
    cookie = response.headers["Set-Cookie"]
    assert "lianxi_lang=en" in cookie and "Max-Age=31536000" in cookie
    html = client.get("/").get_data(as_text=True)
    assert '<html lang="en"' in html and "Public board" in html


def test_unknown_language_is_ignored(client):
    """A language we do not have leaves the page in Chinese."""
    client.post("/preferences/language", data={"language": "xx"})
    assert '<html lang="zh-Hans"' in client.get("/").get_data(as_text=True)


def test_large_text_switch_stays_on(client):
    """The 长辈版 switch adds the large-text class to every following page."""
    client.post("/preferences/large-text", data={"large": "1", "next": "/sign-in"})
    assert 'class="large-text"' in client.get("/").get_data(as_text=True)
    client.post("/preferences/large-text", data={"large": "0"})
    assert 'class="large-text"' not in client.get("/").get_data(as_text=True)


def test_switch_does_not_redirect_off_site(client):
    """The ``next`` of a switch only leads to a path on this site."""
    response = client.post("/preferences/large-text", data={"large": "1", "next": "//evil.example"})
    assert "evil.example" not in response.headers["Location"]


def test_unknown_page_is_a_friendly_404(client):
    """A missing page says so in words, with no stack trace."""
    response = client.get("/no-such-page")
    html = response.get_data(as_text=True)
    assert response.status_code == 404
    assert "没有找到这个页面" in html and "Traceback" not in html
