"""Gunicorn serving ``wsgi:app`` as production does, for tests that need real processes.

``Server`` starts one instance on a free port (2 sync workers, CSRF on, configured from the
environment like a production server); ``request`` sends one HTTP request on a new connection.
Used by the crash test (tests/reliability/test_crash.py) and the two-instance test
(tests/instances/).
"""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import time
from http.client import HTTPConnection
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parents[1]
GUNICORN = ROOT / ".venv" / "bin" / "gunicorn"
#: A CSRF token on a page: the hidden input of a form, or htmx's header on <body>.
_CSRF_INPUT = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')
_CSRF_HEADER = re.compile(r'X-CSRFToken&#34;:\s*&#34;([^&]+)&#34;|"X-CSRFToken":\s*"([^"]+)"')


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Server:
    """Gunicorn serving ``wsgi:app`` on a free port; ``stop()`` always ends it.

    ``env`` is the instance's environment on top of this process's (DATABASE_URL, SECRET_KEY,
    REDIS_URL, ...), as an operator would set it. ``preload`` loads the app once in gunicorn's
    master and forks the workers from it (the app opens no connection while loading), which
    saves an import of the whole app per worker on a busy machine.
    """

    def __init__(self, env: dict[str, str], log: Path, workers: int = 2, preload: bool = False):
        self.port = free_port()
        self.log = log
        self.host_header: dict[str, str] = {}
        if base := env.get("LIANXI_BASE_URL"):
            # What nginx passes on (proxy_set_header Host $host): the public host name.
            self.host_header = {"Host": base.split("://", 1)[-1].rstrip("/")}
        command = [str(GUNICORN), "--workers", str(workers), "--bind", f"127.0.0.1:{self.port}"]
        command += ["--log-level", "warning", *(["--preload"] if preload else []), "wsgi:app"]
        full_env = {**os.environ, "PYTHONPATH": str(ROOT), **env}
        with log.open("w") as out:
            # Its own process group, so that stop() can end the master and its workers together.
            self.process = subprocess.Popen(
                command, cwd=ROOT, env=full_env, stdout=out, stderr=out, start_new_session=True
            )

    def workers(self) -> list[int]:
        """The master's live worker processes (its children, read from /proc)."""
        pids = []
        for children in Path(f"/proc/{self.process.pid}/task").glob("*/children"):
            pids += [int(pid) for pid in children.read_text().split()]
        return pids

    def wait_until_up(self, workers: int = 2, timeout: float = 90) -> None:
        """Until ``workers`` workers run and the sign-in page answers (or fail with the log)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            assert self.process.poll() is None, self.log.read_text()[-3000:]
            if len(self.workers()) >= workers:
                try:
                    if self.request("GET", "/sign-in")[0] == 200:
                        return
                except OSError:
                    pass
            time.sleep(0.1)
        raise AssertionError("gunicorn did not start:\n" + self.log.read_text()[-3000:])

    def ask_to_stop(self) -> None:
        """Ask gunicorn to stop without waiting (``stop()`` waits), to stop several at once.

        SIGINT is gunicorn's quick shutdown (an idle sync worker told to stop gracefully sleeps
        out its poll interval first).
        """
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)

    def request(self, method, path, cookies=None, form=None, headers=None, timeout=15):
        """``request`` on this instance, naming the public host when one is configured."""
        return request(
            self.port, method, path, cookies, form, self.host_header | (headers or {}), timeout
        )

    def stop(self, grace: float = 3) -> None:
        """Stop gunicorn: a quick shutdown, then SIGKILL to its process group if it lingers.

        Nothing is lost by not waiting longer: whatever a test checks is committed by then, and
        a loaded machine can take many seconds just to let Python processes exit.
        """
        self.ask_to_stop()
        try:
            self.process.wait(timeout=grace)
        except subprocess.TimeoutExpired:
            pass
        try:
            os.killpg(self.process.pid, signal.SIGKILL)  # the workers too, if any are left
        except ProcessLookupError:
            pass
        self.process.wait()


def request(port, method, path, cookies=None, form=None, headers=None, timeout=15):
    """One HTTP request on a new connection: (status, body text, cookies it set)."""
    connection = HTTPConnection("127.0.0.1", port, timeout=timeout)
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


def csrf_token(page: str) -> str:
    """The CSRF token a page carries (its form's hidden input or htmx's header)."""
    found = _CSRF_INPUT.search(page) or _CSRF_HEADER.search(page)
    assert found, "no CSRF token on the page"
    return next(group for group in found.groups() if group)
