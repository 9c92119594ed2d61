"""Chaining the ballots' audit events in a thread of each app process, just after they commit.

A ballot writes its event as *pending* in its own transaction (``audit.defer``); chaining it
means five more round trips under the chain's lock (take the lock, read the pending events and
the newest chained one, insert, delete, commit). Done in every ballot's request, a room's burst
paid them 2,000 times over. Here the request only wakes this process's chaining thread, which
waits ``DELAY`` seconds for the ballots arriving meanwhile and chains all of them in one pass
(``audit.chain_pending``): the chain and its published head are current within a fraction of a
second, and no ballot waits for it.

Nothing can be lost or reordered by the delay: the pending rows are committed with their
ballots and chained in the order of their ids by whoever comes first — this thread, any other
process's, ``audit.record`` of the next event, ``flask audit verify`` or the export. A pass
waits for the chain's lock (it is off every request's path), so an event committed while
another process was chaining is picked up by the next pass, and a pass that fails (the database
away a moment) is tried again a second later.

``LIANXI_AUDIT_CHAIN = "inline"`` chains in the request instead, after the commit, as before
this thread existed; the test suite uses it so a test sees the chain as soon as its request
returns (tests/reliability/test_audit_pending.py runs the thread itself).
"""

from __future__ import annotations

import os
import threading
import time

from flask import Flask, current_app

from app import audit
from app.extensions import db

#: How long a woken pass waits for more ballots before chaining (seconds).
DELAY = 0.05
#: How long to wait before trying again after a pass failed (seconds).
RETRY = 1.0


class Chainer:
    """One thread per process that chains pending audit events when woken."""

    def __init__(self, app: Flask) -> None:
        self.app = app
        self._wake = threading.Event()
        self._starting = threading.Lock()
        self._thread: threading.Thread | None = None
        self._pid: int | None = None
        self._in_pass = False
        #: Passes that chained at least one event, and events chained (for the tests).
        self.passes = 0
        self.chained = 0

    def soon(self) -> None:
        """Chain what is pending within ``DELAY`` (starts this process's thread on first use)."""
        if not self._running():
            self._start()
        self._wake.set()

    def _running(self) -> bool:
        # A thread does not survive a fork: a gunicorn worker starts its own.
        return self._thread is not None and self._thread.is_alive() and self._pid == os.getpid()

    def _start(self) -> None:
        with self._starting:
            if self._running():
                return
            self._pid = os.getpid()
            self._thread = threading.Thread(target=self._run, name="audit-chainer", daemon=True)
            self._thread.start()

    def _run(self) -> None:
        while True:
            self._wake.wait()
            time.sleep(DELAY)
            self._in_pass = True
            # Cleared before the pass: a ballot committing during it wakes the next one.
            self._wake.clear()
            try:
                self.chain_now()
            except Exception:  # noqa: BLE001 - the events stay pending; try again shortly
                self.app.logger.exception("chaining the pending audit events failed; will retry")
                time.sleep(RETRY)
                self._wake.set()
            finally:
                self._in_pass = False

    def wait_until_idle(self, timeout: float = 30) -> bool:
        """Wait until no pass is running or due (tests; a clean shutdown); whether it is idle."""
        deadline = time.monotonic() + timeout
        while self._wake.is_set() or self._in_pass:
            if time.monotonic() > deadline:
                return False
            time.sleep(0.01)
        return True

    def chain_now(self) -> int:
        """One pass: wait for the chain's lock and chain every committed pending event."""
        with self.app.app_context():
            try:
                chained = audit.chain_pending(db.session, wait=True)
            finally:
                db.session.remove()
        if chained:
            self.passes += 1
            self.chained += chained
        return chained


def init_app(app: Flask) -> None:
    """Give the app its chainer (``LIANXI_AUDIT_CHAIN``: "background", the default, or "inline")."""
    app.config.setdefault("LIANXI_AUDIT_CHAIN", "background")
    app.extensions["audit_chainer"] = Chainer(app)


def chain_after_commit() -> None:
    """After a request committed pending events: chain them now (inline) or very soon (thread)."""
    if current_app.config["LIANXI_AUDIT_CHAIN"] == "inline":
        # Unless another request is chaining right now; it then is, or the next writer will.
        audit.chain_pending(db.session, wait=False)
    else:
        current_app.extensions["audit_chainer"].soon()
