"""Configuration from the environment, with a generated secret key kept in ``instance/``."""

import os
import secrets
from pathlib import Path


def _secret_key(instance_path: str) -> str:
    """Return SECRET_KEY from the environment, or one generated once into ``instance/``.

    A hard-coded default would let anyone forge sessions on a server whose operator forgot to
    set it, so there is none: the first run writes a random key and later runs read it back.
    """
    if key := os.environ.get("SECRET_KEY"):
        return key
    path = Path(instance_path) / "secret_key"
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secrets.token_hex(32))
        path.chmod(0o600)
    return path.read_text().strip()


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping that the application factory loads."""
    database_url = os.environ.get(
        "DATABASE_URL", f"sqlite:///{Path(instance_path) / 'lianxi.sqlite3'}"
    )
    return {
        "SECRET_KEY": _secret_key(instance_path),
        "SQLALCHEMY_DATABASE_URI": database_url,
        "SQLALCHEMY_ENGINE_OPTIONS": engine_options(database_url),
        "LIANXI_LOCALE": os.environ.get("LIANXI_LOCALE", "zh"),
        "LIANXI_TIMEZONE": os.environ.get("LIANXI_TIMEZONE", "Asia/Shanghai"),
        "REDIS_URL": os.environ.get("REDIS_URL"),
        # Behind nginx (or another proxy) that sets X-Forwarded-For/-Proto/-Host: see security.py.
        "LIANXI_PROXY": os.environ.get("LIANXI_PROXY", "") == "1",
        # "background": ballots' audit events are chained by a thread of each process a moment
        # after their commit (app/audit_chainer.py); "inline": by the request after its commit.
        "LIANXI_AUDIT_CHAIN": os.environ.get("LIANXI_AUDIT_CHAIN", "background"),
        "SESSION_COOKIE_SECURE": os.environ.get("LIANXI_HTTPS", "") == "1",
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "REMEMBER_COOKIE_SECURE": os.environ.get("LIANXI_HTTPS", "") == "1",
        "REMEMBER_COOKIE_HTTPONLY": True,
        "REMEMBER_COOKIE_SAMESITE": "Lax",
        # A form must not expire while an older resident is still filling it in (docs/domain.md).
        "WTF_CSRF_TIME_LIMIT": None,
        "SIGN_IN_LINK_DAYS": int(os.environ.get("LIANXI_SIGN_IN_LINK_DAYS", "30")),
        "MAX_CONTENT_LENGTH": 8 * 1024 * 1024,
        **{
            key: os.environ.get(key, "")
            for key in (
                "LIANXI_SMS_PROVIDER",
                "LIANXI_SMS_SECRET_ID",
                "LIANXI_SMS_SECRET_KEY",
                "LIANXI_SMS_SDK_APP_ID",
                "LIANXI_SMS_SIGN_NAME",
                "LIANXI_SMS_TEMPLATE_ID",
                "LIANXI_SMS_REGION",
                "LIANXI_SMS_ENDPOINT",
                "LIANXI_SMS_SCHEME",
            )
        },
        "UPLOAD_FOLDER": os.environ.get("LIANXI_UPLOADS", str(Path(instance_path) / "uploads")),
        # Where the public reaches the app; links in feeds, calendars and QR codes use it, and
        # requests naming another host are refused (app/web/urls.py).
        "LIANXI_BASE_URL": os.environ.get("LIANXI_BASE_URL") or None,
        "LIANXI_ALLOWED_HOSTS": os.environ.get("LIANXI_ALLOWED_HOSTS", ""),
        # Private keys of open secret votes: outside the database, never backed up (README).
        "BALLOT_KEY_DIR": os.environ.get(
            "LIANXI_BALLOT_KEYS", str(Path(instance_path) / "ballot-keys")
        ),
    }


def engine_options(database_url: str) -> dict:
    """Engine options: a busy timeout for SQLite, a checked pool for PostgreSQL."""
    if database_url.startswith("sqlite"):
        return {"connect_args": {"timeout": 30, "check_same_thread": False}}
    return {"pool_pre_ping": True, "pool_size": 5, "max_overflow": 10}
