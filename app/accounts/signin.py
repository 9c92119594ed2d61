"""Finding the person behind a sign-in attempt (no Flask here)."""

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.models import SignInLink, User
from app.models.accounts import hash_token


def normalise_login(login: str) -> str:
    """Strip spaces and dashes people type in phone numbers ("138 0000-0000")."""
    return "".join(login.split()).replace("-", "")


def user_for_password(session: Session, login: str, password: str) -> User | None:
    """The active person whose phone or username is ``login`` and whose password matches."""
    login = normalise_login(login)
    user = session.scalar(
        sa.select(User).where(sa.or_(User.phone == login, User.username == login))
    )
    if user is None or not user.active or not user.check_password(password):
        return None
    return user


def user_for_link(session: Session, token: str) -> User | None:
    """The active person a valid (unexpired, unrevoked) personal link belongs to; marks it used."""
    link = session.scalar(sa.select(SignInLink).where(SignInLink.token_hash == hash_token(token)))
    if link is None or not link.is_valid() or not link.user.active:
        return None
    link.last_used_at = clock.now()
    return link.user
