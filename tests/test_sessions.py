"""Server-side sessions: old cookies replayed after sign-out, revocation or "end all" fail."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, SignInLink, User, UserSession
from tests.factories import PASSWORD, make_body, make_convener, make_user


def _domain(client) -> str:
    """The cookie domain of the app's server name (the browser tests move it to 127.0.0.1)."""
    return client.application.config["SERVER_NAME"].split(":")[0]


def _sign_in(app, user):
    """A fresh browser signed in through the form; its cookies as they stood after sign-in."""
    client = app.test_client()
    response = client.post("/sign-in", data={"login": user.username, "password": PASSWORD})
    assert response.status_code == 302
    return client, _cookies(client)


def _cookies(client) -> dict[str, str]:
    return {name: client.get_cookie(name, domain=_domain(client)).value for name in _names(client)}


def _names(client):
    return [
        name
        for name in ("session", "remember_token")
        if client.get_cookie(name, domain=_domain(client))
    ]


def _opens_me(app, cookies: dict[str, str]) -> bool:
    """Whether a browser holding only these cookies reaches /me."""
    client = app.test_client()
    for name, value in cookies.items():
        client.set_cookie(name, value, domain=_domain(client))
    return client.get("/me").status_code == 200


def test_sign_out_ends_the_session_and_its_remember_cookie(app, ctx):
    """After sign-out the old session cookie, or the remember_token cookie alone, opens nothing."""
    user = make_user(username="wangjg")
    client, cookies = _sign_in(app, user)
    assert set(cookies) == {"session", "remember_token"}
    assert _opens_me(app, cookies) and _opens_me(app, {"session": cookies["session"]})
    assert _opens_me(app, {"remember_token": cookies["remember_token"]})
    client.post("/sign-out")
    assert not _opens_me(app, {"session": cookies["session"]})
    assert not _opens_me(app, {"remember_token": cookies["remember_token"]})
    assert not _opens_me(app, cookies)


def test_the_cookie_never_holds_the_user_id_and_the_database_never_the_token(app, ctx):
    """The session cookie names a random token; only its hash is stored."""
    user = make_user(username="lisi")
    _sign_in(app, user)
    row = db.session.scalar(sa.select(UserSession).where(UserSession.user_id == user.id))
    assert row is not None and len(row.token_hash) == 64
    client, _ = _sign_in(app, user)
    with client.session_transaction() as session:
        token = session["_user_id"]
    assert token != str(user.id) and len(token) >= 40
    hashes = set(db.session.scalars(sa.select(UserSession.token_hash)))
    assert token not in hashes


def test_revoking_a_link_ends_the_sessions_it_opened_only(app, ctx, login_as):
    """A session opened by a personal link ends when the link is revoked; a password one stays."""
    admin = make_user(is_admin=True)
    member = make_user(username="sunnn")
    link, token = SignInLink.issue(member, admin, days=30)
    db.session.add(link)
    db.session.commit()
    by_link = app.test_client()
    assert by_link.get(f"/l/{token}").status_code == 302
    link_cookies = _cookies(by_link)
    _, password_cookies = _sign_in(app, member)
    assert _opens_me(app, link_cookies) and _opens_me(app, password_cookies)
    assert login_as(admin).post(f"/links/{link.id}/revoke").status_code == 302
    assert not _opens_me(app, link_cookies)
    assert not _opens_me(app, {"remember_token": link_cookies["remember_token"]})
    assert _opens_me(app, password_cookies)


def test_deactivating_an_account_ends_all_its_sessions(app, ctx):
    """A deactivated person's every session stops at once."""
    user = make_user(username="zhaoliu")
    _, first = _sign_in(app, user)
    _, second = _sign_in(app, user)
    db.session.get(User, user.id).active = False
    db.session.commit()
    assert not _opens_me(app, first) and not _opens_me(app, second)


def test_a_password_change_ends_all_sessions(app, ctx):
    """Changing the password ends every session opened before; signing in again works."""
    user = make_user(username="qianqi")
    _, before = _sign_in(app, user)
    db.session.get(User, user.id).set_password("a-new-password-1")
    db.session.commit()
    assert not _opens_me(app, before)
    client = app.test_client()
    client.post("/sign-in", data={"login": "qianqi", "password": "a-new-password-1"})
    assert client.get("/me").status_code == 200


def test_a_member_ends_all_their_sessions(app, ctx):
    """退出所有设备 on one phone signs the person out on every device, and is audited."""
    user = make_user(username="zhoub")
    phone, _ = _sign_in(app, user)
    _, laptop = _sign_in(app, user)
    page = phone.get("/me").get_data(as_text=True)
    assert "退出所有设备" in page
    assert phone.post("/me/sessions/end").status_code == 302
    assert phone.get("/me").status_code == 302
    assert not _opens_me(app, laptop)
    event = db.session.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "sessions.ended_all")
    )
    assert event.object_id == user.id and event.after == {"ended": 2}


def test_the_administrator_ends_a_members_sessions(app, ctx, login_as):
    """An administrator ends all sessions of a member who lost their phone; they sign in anew."""
    admin = make_user(is_admin=True)
    user = make_user(username="wuc")
    _, cookies = _sign_in(app, user)
    client = login_as(admin)
    assert "退出所有设备" in client.get(f"/people/{user.id}").get_data(as_text=True)
    assert client.post(f"/people/{user.id}/sessions/end").status_code == 302
    assert not _opens_me(app, cookies)
    assert _sign_in(app, user)[0].get("/me").status_code == 200


@pytest.mark.parametrize("role", ["member", "other_convener"])
def test_only_those_who_manage_a_person_end_their_sessions(app, ctx, login_as, role):
    """A member, or the convener of another body, cannot sign someone else out everywhere."""
    body, other = make_body(), make_body()
    user = make_user(username="zheng")
    _, cookies = _sign_in(app, user)
    actor = make_convener(other) if role == "other_convener" else make_user()
    client = login_as(actor)
    assert client.post(f"/people/{user.id}/sessions/end").status_code == 403
    assert _opens_me(app, cookies) and body.id
