"""Finding the person behind a sign-in attempt (no Flask here)."""

import functools
import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.models import SignInLink, User
from app.models.accounts import hash_token


def normalise_login(login: str) -> str:
    """Strip spaces and dashes people type in phone numbers ("138 0000-0000")."""
    return "".join(login.split()).replace("-", "")


def account_for(session: Session, login: str) -> User | None:
    """The person whose phone or username is ``login`` (typed loosely), active or not."""
    login = normalise_login(login)
    return session.scalar(
        sa.select(User).where(sa.or_(User.phone == login, User.username == login))
    )


def password_opens(user: User | None, password: str) -> bool:
    """Whether ``password`` signs ``user`` in: the right password of an active account.

    An unknown account spends the time of a real check, so the answer's speed does not tell
    who has an account.
    """
    if user is None:
        check_password_hash(_dummy_hash(), password)
        return False
    return user.check_password(password) and user.active


@functools.cache
def _dummy_hash() -> str:
    """A hash of a random password, computed once, to check unknown accounts against."""
    return generate_password_hash(secrets.token_hex(16))


def valid_link(session: Session, token: str) -> SignInLink | None:
    """A valid (unexpired, unrevoked) personal link of an active person; marks it used."""
    if len(token) > 100:
        return None
    link = session.scalar(sa.select(SignInLink).where(SignInLink.token_hash == hash_token(token)))
    if link is None or not link.is_valid() or not link.user.active:
        return None
    link.last_used_at = clock.now()
    return link
