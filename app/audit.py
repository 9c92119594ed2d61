"""Append events to the audit log, each chained by hash to the one before it.

An event's hash is SHA-256 of the previous event's hash followed by the event's own fields as
canonical JSON, so editing, removing or reordering any stored event breaks every hash after it.

A chain alone cannot show that its newest events were cut off, or that an event was edited and
every hash after it recomputed. Its *head* — "N:HASH", the number of events and the newest
event's hash — is therefore published (the board, ``/open-data/audit-head.json``, the minutes of
each closed meeting), and ``flask audit verify --head N:HASH`` proves later that the N-th event
still has that hash: a rewritten or shortened chain cannot.
"""

import hashlib
import json
import re
from dataclasses import dataclass

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditEvent

GENESIS = "0" * 64
#: Any constant: PostgreSQL transactions that append events take this advisory lock in turn.
_CHAIN_LOCK = 0x4C69616E


def event_digest(prev_hash: str, event: AuditEvent) -> str:
    """The hash of an event given the hash of the one before it."""
    fields = {
        "created_at": event.created_at.isoformat(),
        "actor_id": event.actor_id,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "before": event.before,
        "after": event.after,
    }
    canonical = json.dumps(fields, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256((prev_hash + canonical).encode()).hexdigest()


def record(action: str, obj=None, *, actor=None, before=None, after=None, object_type=None):
    """Add an event to the session for ``obj`` (a model instance) done by ``actor``.

    The caller commits; the chain is extended inside the caller's transaction, so an event
    exists exactly when the change it describes does.
    """
    session = db.session
    if obj is not None and getattr(obj, "id", None) is None:
        session.flush()
    _lock_chain(session)
    last = session.scalar(sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1))
    event = AuditEvent(
        created_at=clock.now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        prev_hash=last or GENESIS,
    )
    event.hash = event_digest(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def _lock_chain(session) -> None:
    """Make appenders take turns, so two events never chain to the same predecessor.

    PostgreSQL: a transaction-scoped advisory lock, held until the caller commits. SQLite has
    no advisory locks, but its write lock serves: a request that writes began with BEGIN
    IMMEDIATE and holds it already; elsewhere (commands, threads with an app context) an UPDATE
    that changes no row takes it, waiting its turn under the busy timeout.
    """
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        session.execute(sa.select(sa.func.pg_advisory_xact_lock(_CHAIN_LOCK)))
    elif dialect == "sqlite":
        session.execute(sa.text("UPDATE audit_events SET id = id WHERE 0"))


def verify() -> tuple[bool, int | None]:
    """Recompute the chain; return (holds, id of the first tampered or missing event)."""
    prev = GENESIS
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.id)):
        if event.prev_hash != prev or event.hash != event_digest(prev, event):
            return False, event.id
        prev = event.hash
    return True, None


@dataclass(frozen=True)
class Head:
    """A chain's head as published: its number of events and the newest event's hash."""

    events: int
    hash: str

    def __str__(self) -> str:
        """The published form, ``N:HASH``."""
        return f"{self.events}:{self.hash}"

    @classmethod
    def parse(cls, text: str) -> "Head":
        """Read ``N:HASH``; ValueError when it is not that."""
        match = re.fullmatch(r"\s*(\d+)\s*:\s*([0-9a-fA-F]{64})\s*", text)
        if not match or int(match.group(1)) < 1:
            raise ValueError(f"not a published head (N:HASH): {text!r}")
        return cls(int(match.group(1)), match.group(2).lower())


def head(session) -> Head | None:
    """The chain's head now, in one query; None when the log is empty."""
    newest = sa.select(AuditEvent.hash).order_by(AuditEvent.id.desc()).limit(1).scalar_subquery()
    count, newest_hash = session.execute(sa.select(sa.func.count(AuditEvent.id), newest)).one()
    return Head(count, newest_hash) if count else None


def head_after(session, action: str, object_type: str, object_id: int) -> Head | None:
    """The head as it stood right after the newest ``action`` event on an object, if any.

    The minutes of a closed meeting print the head right after the meeting was closed.
    """
    event = session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash)
        .where(
            AuditEvent.action == action,
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
        )
        .order_by(AuditEvent.id.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    count = session.scalar(sa.select(sa.func.count(AuditEvent.id)).where(AuditEvent.id <= event.id))
    return Head(count, event.hash)


def holds_head(pinned: Head) -> bool:
    """Whether the chain's ``pinned.events``-th event still has the published hash.

    Together with ``verify`` (the chain recomputes), this shows that nothing up to that event
    was removed or rewritten since the head was published.
    """
    nth = db.session.scalar(
        sa.select(AuditEvent.hash).order_by(AuditEvent.id).offset(pinned.events - 1).limit(1)
    )
    return nth == pinned.hash
