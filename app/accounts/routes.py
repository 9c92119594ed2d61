"""Sign in and out, personal sign-in links, and the language / 长辈版 switches."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
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
from app.accounts.signin import user_for_password, valid_link
from app.extensions import db
from app.i18n import LANGUAGE_COOKIE, LANGUAGES, LARGE_TEXT_COOKIE, PREFERENCE_MAX_AGE
from app.models import SignInLink
from app.qr import qr_svg
from app.web.forms import EmptyForm
from app.web.redirects import local_path

bp = Blueprint("accounts", __name__)


def _safe_next(target: str | None) -> str:
    """Only follow ``next`` to a path on this site (app/web/redirects.py)."""
    return local_path(target) or url_for("accounts.me")


@bp.route("/sign-in", methods=["GET", "POST"])
@ratelimits.sign_in_per_ip
@ratelimits.sign_in_per_account
def sign_in():
    """Sign in by phone number or username and password."""
    form = SignInForm()
    if form.validate_on_submit():
        user = user_for_password(db.session, form.login.data, form.password.data)
        if user:
            sessions.open_session(db.session, user)
            login_user(user, remember=True)
            db.session.commit()
            return redirect(_safe_next(request.args.get("next")))
        form.password.errors.append(_("手机号（用户名）或密码不正确，请再试一次。"))
    return render_template("accounts/sign_in.html", form=form)


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
@ratelimits.link_per_ip
@database.writes
def link_sign_in(token: str):
    """Sign in through a personal link (个人链接) or its QR code: no password to type."""
    link = valid_link(db.session, token)
    if link is None:
        return render_template("accounts/link_invalid.html"), 404
    sessions.open_session(db.session, link.user, link)
    login_user(link.user, remember=True)
    db.session.commit()
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
    url = url_for("accounts.link_sign_in", token=token, _external=True)
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
