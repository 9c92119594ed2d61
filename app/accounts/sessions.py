"""Server-side sessions: opened at sign-in, looked up on every request, ended on demand (no Flask).

Checking a session is one query: the session row by its unique token hash, joined to its person
by primary key, on every request including the every-two-seconds polls of the vote panels.
"""

import secrets

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.models import SignInLink, User, UserSession
from app.models.accounts import hash_token


def open_session(session: Session, user: User, link: SignInLink | None = None) -> str:
    """Start a session for ``user`` (through ``link`` if given); return its token, shown once."""
    token = secrets.token_urlsafe(32)
    session.add(
        UserSession(
            user_id=user.id,
            token_hash=hash_token(token),
            link_id=link.id if link else None,
            generation=user.session_generation or 0,
        )
    )
    user.session_token = token
    return token


def user_for_session(session: Session, token: str) -> User | None:
    """The person a live session belongs to, or None.

    Live: not ended, the person still active, and not older than the person's last password
    change or "end all sessions" (the generations match).
    """
    if not token or len(token) > 100:
        return None
    user = session.scalar(live_sessions(token, sa.select(User)))
    if user is not None:
        user.session_token = token
    return user


def live_sessions(token: str, query: sa.Select) -> sa.Select:
    """``query`` of ``User`` joined to the live session of ``token`` (no row: not live)."""
    users, user_sessions = User.__table__, UserSession.__table__
    return query.join(user_sessions, live_session(users, user_sessions, hash_token(token)))


def live_session(users, user_sessions, token_hash) -> sa.ColumnElement[bool]:
    """The definition of a live session, as a join condition on ``users`` and ``user_sessions``.

    Tables or aliases of them; ``token_hash`` a value or a bind parameter. Live: the session
    of that token, not ended, its person active, and of the person's current generation (a
    password change or "退出所有设备" bumps it). Every query that checks a session states it
    through here: ``live_sessions``, the ballot page's change check
    (``voting.queries.open_motions_for_session``), the progress panel's fingerprint
    (``voting.ballots.progress_version``) and the ballot's one query
    (``voting.casting.ballot_context``).
    """
    return sa.and_(
        user_sessions.c.user_id == users.c.id,
        user_sessions.c.token_hash == token_hash,
        user_sessions.c.ended_at.is_(None),
        user_sessions.c.generation == users.c.session_generation,
        users.c.active,
    )


def end_session(session: Session, token: str | None) -> None:
    """End one session (signing out): its cookies open nothing any more."""
    if token:
        session.execute(
            sa.update(UserSession)
            .where(UserSession.token_hash == hash_token(token), UserSession.ended_at.is_(None))
            .values(ended_at=clock.now())
        )


def end_link_sessions(session: Session, link: SignInLink) -> int:
    """End every session opened through a personal link (when it is revoked); how many."""
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.link_id == link.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )
    return result.rowcount


def end_all_sessions(session: Session, user: User) -> int:
    """End every session of ``user`` on every device ("退出所有设备"); how many were live."""
    user.session_generation = (user.session_generation or 0) + 1
    result = session.execute(
        sa.update(UserSession)
        .where(UserSession.user_id == user.id, UserSession.ended_at.is_(None))
        .values(ended_at=clock.now())
    )
    return result.rowcount
