"""People who sign in, and the personal sign-in links (个人签到链接) given to members."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from app import clock
from app.extensions import db


class User(UserMixin, db.Model):
    """A person with an account: member, convener, unit staff or administrator.

    Roles are not a column: a person convenes the bodies listed in ``Convener``, is a member of
    the bodies where they hold a ``Seat``, works for the units listed in ``UnitStaff``, and is an
    administrator when ``is_admin`` is set. Members who never type a password sign in through a
    personal link, so username, phone and password are all optional.
    """

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(64))
    username: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    phone: Mapped[str | None] = mapped_column(sa.String(20), unique=True)
    password_hash: Mapped[str | None] = mapped_column(sa.String(256))
    is_admin: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    #: Bumped by a password change or "end all sessions": every older session stops working.
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=clock.now)

    #: The token of the server-side session this object was loaded for (not a column): what
    #: Flask-Login keeps in the session and "remember me" cookies instead of the user's id.
    session_token = None

    seats: Mapped[list[Seat]] = relationship(back_populates="holder")  # noqa: F821

    def set_password(self, password: str) -> None:
        """Store a salted hash of the password, never the password; end every session."""
        self.password_hash = generate_password_hash(password)
        self.session_generation = (self.session_generation or 0) + 1

    def get_id(self) -> str | None:
        """Flask-Login's cookie value: the session's token, so ending the session ends it."""
        return self.session_token

    def check_password(self, password: str) -> bool:
        """Tell whether the password matches; a person without a password never matches."""
        return self.password_hash is not None and check_password_hash(self.password_hash, password)

    @property
    def is_active(self) -> bool:
        """Flask-Login refuses sign-in to deactivated accounts."""
        return self.active

    def __repr__(self) -> str:
        return f"<User {self.id} {self.name}>"


def hash_token(token: str) -> str:
    """Hash a sign-in token for storage: the database never holds a usable link."""
    return hashlib.sha256(token.encode()).hexdigest()


class SignInLink(db.Model):
    """A personal sign-in link (个人链接) for a member who will not type a password.

    Only the SHA-256 of the random token is stored. A link works until it expires or is revoked.
    """

    __tablename__ = "sign_in_links"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    expires_at: Mapped[datetime]
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]

    user: Mapped[User] = relationship(foreign_keys=[user_id])

    @classmethod
    def issue(cls, user: User, created_by: User | None, days: int) -> tuple[SignInLink, str]:
        """Create a link for ``user`` valid for ``days``; return it with the one-time token."""
        token = secrets.token_urlsafe(24)
        link = cls(
            user=user,
            token_hash=hash_token(token),
            created_by_id=created_by.id if created_by else None,
            expires_at=clock.now() + timedelta(days=days),
        )
        return link, token

    def is_valid(self, at: datetime | None = None) -> bool:
        """A link is valid when it is neither revoked nor expired."""
        at = at or clock.now()
        return self.revoked_at is None and at < self.expires_at

    def revoke(self) -> None:
        """Stop the link from working."""
        self.revoked_at = self.revoked_at or clock.now()


class UserSession(db.Model):
    """A signed-in session (登录会话), kept on the server so that it can be ended.

    The browser holds a random token (in the signed session cookie and the "remember me"
    cookie); only its SHA-256 is stored. A session works while it is not ended, its person is
    active and its ``generation`` equals the person's (a password change or "退出所有设备" bumps
    the person's). ``link_id`` names the personal link that opened it, so revoking the link ends it.
    """

    __tablename__ = "user_sessions"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    link_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("sign_in_links.id", ondelete="CASCADE"), index=True
    )
    generation: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=clock.now)
    ended_at: Mapped[datetime | None]
