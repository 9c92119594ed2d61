"""Rate limits against guessing and flooding: counted before the check, never after the answer.

Every limited attempt first takes one from its budgets with an atomic increment (Redis ``INCRBY``
when REDIS_URL is set, shared by every gunicorn worker; a locked counter in memory otherwise or
when Redis goes away). Only then is the password checked or the topic stored, so requests in
flight cannot all slip through before the first failure is counted: of 60 simultaneous wrong
passwords for one account, 5 are checked. An attempt that succeeds gives its units back, so only
failures use a budget up.

A room shares one address, so one address must not lock a room out (docs/security.md):
- a browser that signed in to an account before carries a signed *device cookie*; its attempts
  on that account count on the device's own budget, not on the account's or the address's, so
  a stranger's wrong guesses never lock the member out on their own phone;
- when an address has used its budget, each account may still be tried once per window from it:
  a member signing in for the first time gets in with the right password, while a script
  trying many accounts gets one guess per account per window;
- a valid personal link or follow link always opens; only unknown tokens are counted.
"""

from __future__ import annotations

import math
import time
from dataclasses import dataclass, field

from flask import Flask, current_app, request
from flask_limiter.util import get_remote_address
from itsdangerous import BadSignature, URLSafeSerializer
from limits import parse
from limits.storage import MemoryStorage

from app.extensions import limiter

#: Attempts allowed per window; each can be overridden in the app's configuration.
DEFAULT_LIMITS = {
    "LIANXI_SIGN_IN_LIMIT_ACCOUNT": "5 per 15 minutes",
    "LIANXI_SIGN_IN_LIMIT_IP": "30 per 15 minutes",
    "LIANXI_SIGN_IN_LIMIT_CROWDED": "1 per 15 minutes",
    "LIANXI_SIGN_IN_LIMIT_DEVICE": "5 per 15 minutes",
    "LIANXI_LINK_LIMIT_IP": "20 per 15 minutes",
    "LIANXI_FOLLOW_LIMIT_IP": "20 per 15 minutes",
    "LIANXI_TOPIC_LIMIT_IP": "5 per hour",
    "LIANXI_ME_TOO_LIMIT_IP": "60 per hour",
    "LIANXI_OBJECTION_LIMIT_IP": "5 per hour",
}
DEVICE_COOKIE = "lianxi_device"
DEVICE_MAX_AGE = 400 * 24 * 3600
_FALLBACK = "lianxi_rate_fallback"


def init_app(app: Flask) -> None:
    """Wire the counters' storage (Flask-Limiter's, from RATELIMIT_STORAGE_URI) to the app.

    RATELIMIT_ENABLED is read on every attempt, so the test suite can switch limits on for
    one test (``monkeypatch.setitem(app.config, ...)``).
    """
    for key, value in DEFAULT_LIMITS.items():
        app.config.setdefault(key, value)
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    try:
        limiter.init_app(app)
    finally:
        app.config["RATELIMIT_ENABLED"] = enabled
    app.extensions[_FALLBACK] = MemoryStorage()


def _incr(key: str, expiry: int, amount: int) -> tuple[int, float]:
    """Add ``amount`` to a counter atomically; its new value and when its window ends."""
    for storage in (limiter.storage, current_app.extensions[_FALLBACK]):
        try:
            value = storage.incr(key, expiry, amount)
            return value, storage.get_expiry(key)
        except Exception:  # noqa: BLE001 - Redis gone: count in memory rather than fail
            current_app.logger.warning("rate-limit storage unavailable, counting in memory")
    raise RuntimeError("no rate-limit storage")  # pragma: no cover - memory never fails


@dataclass
class Attempt:
    """The units one attempt took from its budgets; refused when any budget was already spent."""

    taken: list[tuple[str, int]] = field(default_factory=list)
    #: When the earliest spent budget refills (epoch seconds), or None when the attempt may go on.
    refused_until: float | None = None

    @property
    def refused(self) -> bool:
        """Whether a budget was spent before this attempt."""
        return self.refused_until is not None

    def take(self, config_key: str, identity: str) -> bool:
        """Take one unit of the budget ``config_key`` of ``identity``; False if it was spent."""
        if not current_app.config["RATELIMIT_ENABLED"] or not identity:
            return True
        limit = parse(current_app.config[config_key])
        expiry = limit.get_expiry()
        key = f"lianxi/{config_key}/{identity}"
        value, reset_at = _incr(key, expiry, 1)
        self.taken.append((key, expiry))
        if value > limit.amount:
            self.refused_until = max(self.refused_until or 0, reset_at)
            return False
        return True

    def give_back(self) -> None:
        """Return the units taken: the attempt succeeded, or was not one that counts."""
        for key, expiry in self.taken:
            _incr(key, expiry, -1)
        self.taken.clear()

    def minutes_left(self) -> int:
        """Whole minutes until the attempt may be made again (at least 1)."""
        return max(1, math.ceil(((self.refused_until or 0) - time.time()) / 60))

    def retry_after(self) -> str:
        """The Retry-After header's value, in seconds (at least 1)."""
        return str(max(1, int((self.refused_until or 0) - time.time())))


def address() -> str:
    """The client's address (the proxy's X-Forwarded-For hop when LIANXI_PROXY is set)."""
    return get_remote_address() or ""


def sign_in_attempt(login_key: str, user_id: int | None) -> Attempt:
    """Count a sign-in attempt before its password is checked (see the module docstring).

    ``login_key`` is the login as typed, normalised; ``user_id`` the account it names, if any.
    """
    attempt = Attempt()
    device = trusted_device(user_id)
    if device:
        attempt.take("LIANXI_SIGN_IN_LIMIT_DEVICE", f"device:{device}")
        return attempt
    attempt.take("LIANXI_SIGN_IN_LIMIT_ACCOUNT", f"login:{login_key}")
    if attempt.refused:
        return attempt
    ip = address()
    crowded = Attempt()
    if not crowded.take("LIANXI_SIGN_IN_LIMIT_IP", ip):
        # The address is spent: one try per account per window from it, no more.
        crowded.refused_until = None
        crowded.take("LIANXI_SIGN_IN_LIMIT_CROWDED", f"{ip}|{login_key}")
    attempt.taken += crowded.taken
    attempt.refused_until = crowded.refused_until
    return attempt


def unknown_token(config_key: str) -> Attempt:
    """Count an unknown personal-link or follow-link token from this address."""
    attempt = Attempt()
    attempt.take(config_key, address())
    return attempt


def topic_submission() -> Attempt:
    """Count a topic about to be stored from this address (before it is stored)."""
    attempt = Attempt()
    attempt.take("LIANXI_TOPIC_LIMIT_IP", address())
    return attempt


def objection_attempt() -> Attempt:
    """Count a valid objection (异议) about to be stored from this address (before it is)."""
    attempt = Attempt()
    attempt.take("LIANXI_OBJECTION_LIMIT_IP", address())
    return attempt


def me_too_attempt() -> Attempt:
    """Count a "我也遇到过" tap from this address (one per device and topic is kept anyway)."""
    attempt = Attempt()
    attempt.take("LIANXI_ME_TOO_LIMIT_IP", address())
    return attempt


# --- device cookies ------------------------------------------------------------------------------


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.config["SECRET_KEY"], salt="lianxi-device")


def device_cookie_for(user_id: int, device: str) -> str:
    """The signed value of a device cookie: this browser signed in to ``user_id`` before."""
    return _serializer().dumps({"u": user_id, "d": device})


def trusted_device(user_id: int | None) -> str | None:
    """The device id of this browser's cookie when it signed in to ``user_id`` before."""
    value = request.cookies.get(DEVICE_COOKIE)
    if not value or user_id is None:
        return None
    try:
        data = _serializer().loads(value)
    except BadSignature:
        return None
    if not isinstance(data, dict) or data.get("u") != user_id or not isinstance(data.get("d"), str):
        return None
    return data["d"]
