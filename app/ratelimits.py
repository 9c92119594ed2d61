"""Rate limits against guessing: passwords at sign-in, tokens of personal links.

Only failed attempts count: a room of members signing in from the community centre's one
Wi-Fi address must not lock each other out, while a script trying passwords or link tokens is
stopped after a few misses. The counters live in Redis when REDIS_URL is set (shared by every
gunicorn worker), in memory otherwise, and in memory again if Redis goes away.
"""

import math
import time

from flask import Flask, current_app, make_response, render_template, request
from flask.wrappers import Response
from flask_babel import gettext as _
from flask_limiter import RequestLimit
from flask_limiter.errors import RateLimitExceeded
from flask_limiter.util import get_remote_address

from app.accounts.forms import SignInForm
from app.accounts.signin import normalise_login
from app.extensions import limiter

#: Failed attempts allowed per window; each can be overridden in the app's configuration.
DEFAULT_LIMITS = {
    "LIANXI_SIGN_IN_LIMIT_ACCOUNT": "5 per 15 minutes",
    "LIANXI_SIGN_IN_LIMIT_IP": "30 per 15 minutes",
    "LIANXI_LINK_LIMIT_IP": "20 per 15 minutes",
}


def init_app(app: Flask) -> None:
    """Wire Flask-Limiter to the app; RATELIMIT_ENABLED is then read on every request.

    Flask-Limiter decides once, at ``init_app``, whether it is on for the process. We always
    wire it and let a request filter read the app's own RATELIMIT_ENABLED instead, so the test
    suite can switch limits on for one test (``monkeypatch.setitem(app.config, ...)``).
    """
    for key, value in DEFAULT_LIMITS.items():
        app.config.setdefault(key, value)
    app.config.setdefault("RATELIMIT_IN_MEMORY_FALLBACK_ENABLED", True)
    enabled = app.config.get("RATELIMIT_ENABLED", True)
    app.config["RATELIMIT_ENABLED"] = True
    try:
        limiter.init_app(app)
    finally:
        app.config["RATELIMIT_ENABLED"] = enabled
    app.register_error_handler(RateLimitExceeded, _too_many_attempts)


@limiter.request_filter
def _switched_off() -> bool:
    return not current_app.config["RATELIMIT_ENABLED"]


def minutes_left(limit: RequestLimit) -> int:
    """Whole minutes until the limit's window ends (at least 1).

    Flask-Limiter rounds the reset time up and adds a second; that second is not a minute more.
    """
    return max(1, math.ceil((limit.reset_at - 1 - time.time()) / 60))


def _refused(response: Response, limit: RequestLimit) -> Response:
    response.status_code = 429
    response.headers["Retry-After"] = str(max(1, int(limit.reset_at - time.time())))
    return response


def _typed_login() -> str:
    login = normalise_login(request.form.get("login", "")).lower()
    return f"login:{login}" if login else ""


def _form_came_back(response: Response) -> bool:
    """A sign-in attempt failed when the form is shown again instead of a redirect."""
    return response.status_code == 200


def _link_not_found(response: Response) -> bool:
    """A personal-link attempt failed when the token matched no valid link."""
    return response.status_code == 404


def _refuse_sign_in(limit: RequestLimit) -> Response:
    """The sign-in form again, with the login typed kept and the wait said next to it."""
    form = SignInForm()
    form.password.errors = [
        _("登录尝试太多，请 %(minutes)d 分钟后再试。", minutes=minutes_left(limit))
    ]
    page = render_template("accounts/sign_in.html", form=form)
    return _refused(make_response(page), limit)


def _refuse_link(limit: RequestLimit) -> Response:
    message = _(
        "尝试打开个人链接的次数太多，请 %(minutes)d 分钟后再试。", minutes=minutes_left(limit)
    )
    page = render_template("error.html", code=429, message=message)
    return _refused(make_response(page), limit)


def _too_many_attempts(error: RateLimitExceeded):
    """The page a limit's breach built, or a plain one saying how long to wait."""
    if error.response is not None:
        return error.response
    limit = limiter.current_limit
    minutes = minutes_left(limit) if limit else 1
    message = _("操作太频繁，请 %(minutes)d 分钟后再试。", minutes=minutes)
    return render_template("error.html", code=429, message=message), 429


sign_in_per_account = limiter.limit(
    lambda: current_app.config["LIANXI_SIGN_IN_LIMIT_ACCOUNT"],
    key_func=_typed_login,
    methods=["POST"],
    deduct_when=_form_came_back,
    on_breach=_refuse_sign_in,
)
sign_in_per_ip = limiter.limit(
    lambda: current_app.config["LIANXI_SIGN_IN_LIMIT_IP"],
    key_func=get_remote_address,
    methods=["POST"],
    deduct_when=_form_came_back,
    on_breach=_refuse_sign_in,
)
link_per_ip = limiter.limit(
    lambda: current_app.config["LIANXI_LINK_LIMIT_IP"],
    key_func=get_remote_address,
    deduct_when=_link_not_found,
    on_breach=_refuse_link,
)
