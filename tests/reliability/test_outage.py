"""A PostgreSQL outage: requests get a clear 503 page, and the app recovers without a restart."""

import glob
import os
import subprocess
import time

import pytest

from tests.factories import make_user

pytestmark = pytest.mark.slow


def _cluster() -> tuple[str, str]:
    version = os.path.basename(sorted(glob.glob("/etc/postgresql/*"))[-1])
    return version, "main"


def _pg(action: str) -> None:
    version, name = _cluster()
    subprocess.run(
        ["pg_ctlcluster", "--skip-systemctl-redirect", version, name, action]
        + (["-m", "fast"] if action == "stop" else []),
        check=True,
        capture_output=True,
        timeout=60,
    )


def _ready() -> bool:
    return subprocess.run(["pg_isready", "-q", "-h", "127.0.0.1", "-p", "5432"]).returncode == 0


def _wait_until_ready(seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if _ready():
            return
        time.sleep(0.5)
    raise AssertionError("PostgreSQL did not come back")


@pytest.fixture
def postgres_restartable(app):
    """Skip unless the suite runs on this machine's PostgreSQL and we may restart it."""
    url = os.environ.get("TEST_DATABASE_URL", "")
    if not url.startswith("postgresql") or not glob.glob("/etc/postgresql/*"):
        pytest.skip("the outage test restarts the local PostgreSQL: run the suite on it")
    if os.geteuid() != 0:
        pytest.skip("restarting PostgreSQL needs root (pg_ctlcluster)")
    yield
    if not _ready():  # whatever happened, leave the server running for the rest of the suite
        _pg("start")
        _wait_until_ready()


def test_outage_gives_503_then_recovers(app, ctx, login_as, postgres_restartable):
    """While PostgreSQL is down pages say so (503); once it is back the same app serves again."""
    from app.extensions import db

    signed_in = login_as(make_user("王建国"))
    anonymous = app.test_client()
    assert anonymous.get("/").status_code == 200 and signed_in.get("/me").status_code == 200
    db.session.close()  # the test's own session holds nothing while the server is down
    _pg("stop")
    try:
        for client, path in ((anonymous, "/"), (signed_in, "/me")):
            response = client.get(path)
            html = response.get_data(as_text=True)
            assert response.status_code == 503, path
            assert "系统暂时无法连接数据库" in html and "Traceback" not in html
            assert response.headers["Retry-After"] == "10"
    finally:
        _pg("start")
        _wait_until_ready()
    assert anonymous.get("/").status_code == 200
    assert "您好，王建国" in signed_in.get("/me").get_data(as_text=True)
