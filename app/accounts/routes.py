"""Sign in and out, personal sign-in links, and the language / 长辈版 switches."""

import secrets

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from app import audit, database, policy, ratelimits
from app.accounts import queries, sessions
from app.accounts.access import link_to_manage_or_403, person_to_manage_or_403
from app.accounts.forms import SignInForm
from app.accounts.signin import account_for, normalise_login, password_opens, valid_link
from app.clock import today
from app.extensions import db
from app.followup import inbox as followup_inbox
from app.i18n import LANGUAGE_COOKIE, LANGUAGES, LARGE_TEXT_COOKIE, PREFERENCE_MAX_AGE
from app.models import SignInLink
from app.qr import qr_svg
from app.web.forms import EmptyForm
from app.web.redirects import local_path
from app.web.urls import external_url

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (app/web/redirects.py)."""
    return local_path(target) or url_for("accounts.me")


@bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    """Sign in by phone number or username and password (attempts counted before the check)."""
    form = SignInForm()
    if form.validate_on_submit():
        account = account_for(db.session, form.login.data)
        login_key = normalise_login(form.login.data).lower()
        attempt = ratelimits.sign_in_attempt(login_key, account.id if account else None)
        if attempt.refused:
            return _too_many_sign_ins(form, attempt)
        if password_opens(account, form.password.data):
            attempt.give_back()
            sessions.open_session(db.session, account)
            login_user(account, remember=True)
            db.session.commit()
            response = redirect(_safe_next(request.args.get("next")))
            _remember_device(response, account.id)
            return response
        form.password.errors.append(_("手机号（用户名）或密码不正确，请再试一次。"))
    return render_template("accounts/sign_in.html", form=form)


def _too_many_sign_ins(form: SignInForm, attempt: ratelimits.Attempt):
    """The form again (login kept), the wait said next to the password, 429 with Retry-After."""
    minutes = attempt.minutes_left()
    form.password.errors.append(_("登录尝试太多，请 %(minutes)d 分钟后再试。", minutes=minutes))
    response = make_response(render_template("accounts/sign_in.html", form=form), 429)
    response.headers["Retry-After"] = attempt.retry_after()
    return response


def _remember_device(response, user_id: int) -> None:
    """Mark this browser as one that signed in to the account (see app/ratelimits.py)."""
    device = ratelimits.trusted_device(user_id) or secrets.token_urlsafe(16)
    response.set_cookie(
        ratelimits.DEVICE_COOKIE,
        ratelimits.device_cookie_for(user_id, device),
        max_age=ratelimits.DEVICE_MAX_AGE,
        httponly=True,
        samesite="Lax",
        secure=current_app.config["SESSION_COOKIE_SECURE"],
    )


@bp.post("/sign-out")
def sign_out():
    """Sign out: this session ends on the server, so its old cookies open nothing."""
    if current_user.is_authenticated:
        sessions.end_session(db.session, current_user.session_token)
        db.session.commit()
    logout_user()
    return redirect(url_for("board.index"))


@bp.post("/me/sessions/end")
@policy.login_required
def end_my_sessions():
    """退出所有设备: end every session of the signed-in person, this one included."""
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = sessions.end_all_sessions(db.session, current_user)
    audit.record("sessions.ended_all", current_user, actor=current_user, after={"ended": ended})
    db.session.commit()
    logout_user()
    flash(_("已在所有设备上退出登录。"))
    return redirect(url_for("board.index"))


@bp.post("/people/<int:user_id>/sessions/end")
@policy.login_required
def end_sessions(user_id: int):
    """End every session of a person (a lost phone): they must sign in again everywhere."""
    person = person_to_manage_or_403(user_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    ended = sessions.end_all_sessions(db.session, person)
    audit.record("sessions.ended_all", person, actor=current_user, after={"ended": ended})
    db.session.commit()
    flash(_("已让 %(name)s 在所有设备上退出登录。", name=person.name))
    return redirect(url_for("accounts.person", user_id=person.id))


@bp.get("/l/<token>")
@database.writes
def link_sign_in(token: str):
    """Sign in through a personal link (个人链接) or its QR code: no password to type.

    A valid link always opens, however many wrong tokens came from the same address; unknown
    tokens are counted per address.
    """
    link = valid_link(db.session, token)
    if link is None:
        attempt = ratelimits.unknown_token("LIANXI_LINK_LIMIT_IP")
        if attempt.refused:
            message = _(
                "尝试打开个人链接的次数太多，请 %(minutes)d 分钟后再试。",
                minutes=attempt.minutes_left(),
            )
            page = render_template("error.html", code=429, message=message)
            return page, 429, {"Retry-After": attempt.retry_after()}
        return render_template("accounts/link_invalid.html"), 404
    sessions.open_session(db.session, link.user, link)
    login_user(link.user, remember=True)
    db.session.commit()
    # A member whose meeting is sitting lands on its 会场 page; anyone else on 我的.
    sitting = queries.sitting_meeting_id(db.session, link.user)
    if sitting is not None:
        return redirect(url_for("meetings.room", meeting_id=sitting))
    return redirect(url_for("accounts.me"))


@bp.get("/me")
@policy.login_required
def me():
    """A person's own page: meetings to attend, seats, bodies they run, units, topics raised."""
    bodies = queries.member_bodies(db.session, current_user)
    convened = policy.convened_bodies(current_user)
    return render_template(
        "accounts/me.html",
        meetings=queries.meetings_to_attend(db.session, bodies, current_user),
        seats=queries.seats_held(db.session, current_user),
        bodies=bodies,
        convened=convened,
        waiting=queries.waiting_topics(db.session, convened),
        units=queries.units_worked_for(db.session, current_user),
        topics=queries.topics_raised(db.session, current_user),
        end_sessions_form=EmptyForm(),
        inbox=followup_inbox.inbox(db.session, current_user, today()),
    )


@bp.get("/people/<int:user_id>")
@policy.login_required
def person(user_id: int):
    """A person's sign-in links, for the conveners and administrators who manage them."""
    person = person_to_manage_or_403(user_id)
    links = queries.sign_in_links(db.session, person)
    return render_template("accounts/person.html", person=person, links=links, form=EmptyForm())


@bp.post("/people/<int:user_id>/links")
@policy.login_required
def issue_link(user_id: int):
    """Make a new personal sign-in link and show it once, as a link and a QR code."""
    person = person_to_manage_or_403(user_id)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("accounts.person", user_id=person.id))
    link, token = SignInLink.issue(
        person, current_user, days=current_app.config["SIGN_IN_LINK_DAYS"]
    )
    db.session.add(link)
    audit.record("sign_in_link.issued", link, actor=current_user, after={"user_id": person.id})
    db.session.commit()
    url = external_url("accounts.link_sign_in", token=token)
    return render_template(
        "accounts/link_issued.html", person=person, link=link, url=url, qr=qr_svg(url)
    )


@bp.post("/links/<int:link_id>/revoke")
@policy.login_required
def revoke_link(link_id: int):
    """Revoke a personal sign-in link so it stops working at once."""
    link = link_to_manage_or_403(link_id)
    if EmptyForm().validate_on_submit() and link.revoked_at is None:
        link.revoke()
        ended = sessions.end_link_sessions(db.session, link)
        audit.record("sign_in_link.revoked", link, actor=current_user, after={"sessions": ended})
        db.session.commit()
    return redirect(url_for("accounts.person", user_id=link.user_id))


@bp.post("/preferences/language")
def set_language():
    """Switch between 中文 and English; the choice is kept for a year."""
    chosen = request.form.get("language")
    response = redirect(_safe_next(request.form.get("next")))
    if chosen in LANGUAGES and EmptyForm().validate_on_submit():
        response.set_cookie(LANGUAGE_COOKIE, chosen, max_age=PREFERENCE_MAX_AGE, samesite="Lax")
    return response


@bp.post("/preferences/large-text")
def set_large_text():
    """Turn the 长辈版 large-text mode on or off; the choice is kept for a year."""
    response = redirect(_safe_next(request.form.get("next")))
    if EmptyForm().validate_on_submit():
        value = "1" if request.form.get("large") == "1" else "0"
        response.set_cookie(LARGE_TEXT_COOKIE, value, max_age=PREFERENCE_MAX_AGE, samesite="Lax")
    return response
