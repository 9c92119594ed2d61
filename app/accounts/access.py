"""Who is signed in, and whose sign-in links they may manage: loaders built on app.policy."""

from flask import abort, session
from flask_login import current_user

from app import policy
from app.accounts import sessions
from app.extensions import db, login_manager
from app.models import SignInLink, User

login_manager.login_view = "accounts.sign_in"
login_manager.login_message = None


@login_manager.user_loader
def load_user(token: str) -> User | None:
    """Flask-Login's loader: the person of the live server-side session the cookie names."""
    return sessions.user_for_session(db.session, token)


def signed_in_token() -> str:
    """The session token the signed session cookie carries ("" if none), read without a query.

    Flask-Login keeps the token of the server-side session (``user_sessions``) under
    ``_user_id``; it proves nothing until a query joined with ``sessions.live_session`` finds
    it live (the ballot's one query does).
    """
    token = session.get("_user_id")
    return token if isinstance(token, str) else ""


def person_to_manage_or_403(user_id: int) -> User:
    """A person the current user may manage: 404 if unknown, 403 if not allowed."""
    person = db.get_or_404(User, user_id)
    if not policy.can_manage_person(current_user, person):
        abort(403)
    return person


def link_to_manage_or_403(link_id: int) -> SignInLink:
    """A sign-in link of a person the current user may manage: 404 if unknown, else 403."""
    link = db.get_or_404(SignInLink, link_id)
    person_to_manage_or_403(link.user_id)
    return link
