"""Signing in and out, personal sign-in links, and who may issue them."""

from datetime import timedelta

import pytest
import sqlalchemy as sa
import time_machine

from app import clock
from app.extensions import db
from app.models import AuditEvent, SignInLink
from tests.factories import PASSWORD, make_body, make_convener, make_user


def test_sign_in_by_phone_then_sign_out(client, ctx):
    """A member signs in with a phone number (spaces allowed) and the password, then signs out."""
    user = make_user("王建国", phone="13912345678")
    response = client.post("/sign-in", data={"login": "139 1234 5678", "password": PASSWORD})
    assert response.status_code == 302 and response.headers["Location"].endswith("/me")
    assert "您好，王建国" in client.get("/me").get_data(as_text=True)
    client.post("/sign-out")
    assert client.get("/me").status_code == 302
    assert user.id


def test_sign_in_by_username_follows_next(client, ctx):
    """Username sign-in returns the person to the page they asked for."""
    make_user(username="zhaojun")
    response = client.post("/sign-in?next=/admin/", data={"login": "zhaojun", "password": PASSWORD})
    assert response.headers["Location"] == "/admin/"


def test_sign_in_never_redirects_off_site(client, ctx):
    """An absolute ``next`` is ignored."""
    make_user(username="zhaojun")
    response = client.post(
        "/sign-in?next=https://evil.example/", data={"login": "zhaojun", "password": PASSWORD}
    )
    assert "evil.example" not in response.headers["Location"]


@pytest.mark.parametrize("login", ["zhaojun", "nobody"])
def test_wrong_sign_in_does_not_say_which_part(client, ctx, login):
    """Wrong password and unknown account get the same message; the login typed is kept."""
    make_user(username="zhaojun")
    response = client.post("/sign-in", data={"login": login, "password": "wrong password"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "手机号（用户名）或密码不正确" in html
    assert f'value="{login}"' in html and "wrong password" not in html
    assert "Traceback" not in html


def test_empty_sign_in_says_what_is_missing(client):
    """An empty form names each missing field next to it."""
    html = client.post("/sign-in", data={}).get_data(as_text=True)
    assert "请填写手机号或用户名" in html and "请填写密码" in html
    assert 'aria-invalid="true"' in html


def test_deactivated_account_cannot_sign_in(client, ctx):
    """A deactivated person is refused like a wrong password."""
    user = make_user(username="gone")
    user.active = False
    db.session.commit()
    html = client.post("/sign-in", data={"login": "gone", "password": PASSWORD}).get_data(
        as_text=True
    )
    assert "手机号（用户名）或密码不正确" in html


def _issue_link(user, days=30):
    link, token = SignInLink.issue(user, None, days=days)
    db.session.add(link)
    db.session.commit()
    return link, token


def test_personal_link_signs_in(client, ctx):
    """A valid personal link signs the member in with no password and records its use."""
    user = make_user("孙奶奶", password=None)
    link, token = _issue_link(user)
    response = client.get(f"/l/{token}")
    assert response.status_code == 302
    assert "您好，孙奶奶" in client.get("/me").get_data(as_text=True)
    db.session.refresh(link)
    assert link.last_used_at is not None
    assert link.token_hash != token and token not in link.token_hash


def test_expired_link_is_refused(client, ctx):
    """After its expiry a link says it is invalid or expired and signs nobody in."""
    user = make_user(password=None)
    _, token = _issue_link(user, days=1)
    with time_machine.travel(clock.now() + timedelta(days=2)):
        response = client.get(f"/l/{token}")
    assert response.status_code == 404
    assert "无效或已过期" in response.get_data(as_text=True)
    assert client.get("/me").status_code == 302


def test_revoked_link_is_refused(client, ctx):
    """A revoked link no longer works."""
    user = make_user(password=None)
    link, token = _issue_link(user)
    link.revoke()
    db.session.commit()
    assert client.get(f"/l/{token}").status_code == 404


def test_unknown_link_is_refused_without_trace(client):
    """A made-up token is answered with the same plain message."""
    response = client.get("/l/not-a-real-token")
    html = response.get_data(as_text=True)
    assert response.status_code == 404 and "无效或已过期" in html and "Traceback" not in html


def test_convener_issues_and_revokes_a_members_link(client, ctx, login_as):
    """A convener issues a link (shown once, with a QR code) for a member and can revoke it."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    member = body.constituencies[0].seat_list[0].holder
    login_as(make_convener(body))
    html = client.post(f"/people/{member.id}/links").get_data(as_text=True)
    assert "<svg" in html and "/l/" in html
    link = db.session.scalar(sa.select(SignInLink).where(SignInLink.user_id == member.id))
    token = html.split("/l/")[1].split("<")[0].strip()
    assert link.token_hash == __import__("hashlib").sha256(token.encode()).hexdigest()
    client.post(f"/links/{link.id}/revoke")
    db.session.refresh(link)
    assert link.revoked_at is not None
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions == ["sign_in_link.issued", "sign_in_link.revoked"]


def test_convener_of_another_body_may_not_issue_links(client, ctx, login_as):
    """A convener cannot issue a link for a member of a body they do not run (403)."""
    body = make_body(constituencies=[("merchant", 1, None, False)])
    other = make_body(constituencies=[("merchant", 1, None, False)])
    member = body.constituencies[0].seat_list[0].holder
    login_as(make_convener(other))
    assert client.post(f"/people/{member.id}/links").status_code == 403
    assert client.get(f"/people/{member.id}").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count()).select_from(SignInLink)) == 0


def test_member_may_not_issue_links(client, ctx, login_as):
    """A plain member is refused (403); an anonymous visitor is sent to sign in."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    first, second = (s.holder for s in body.constituencies[0].seat_list)
    response = client.post(f"/people/{second.id}/links")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login_as(first)
    assert client.post(f"/people/{second.id}/links").status_code == 403


def test_admin_page_refuses_wrong_role_and_anonymous(client, ctx, login_as):
    """admin_required: anonymous → sign-in redirect, member → 403, administrator → 200."""
    response = client.get("/admin/")
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login_as(make_user())
    assert client.get("/admin/").status_code == 403
    login_as(make_user(is_admin=True))
    assert client.get("/admin/").status_code == 200
