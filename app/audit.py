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
from app.models import AuditEvent, PendingAuditEvent

GENESIS = "0" * 64
#: Any constant: PostgreSQL transactions that append events take this advisory lock in turn.
_CHAIN_LOCK = 0x4C69616E
#: The tables themselves: the hot paths use Core statements, without the ORM's bookkeeping.
_EVENTS = AuditEvent.__table__
_PENDING = PendingAuditEvent.__table__


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
    exists exactly when the change it describes does. Events still pending (``defer``) are
    chained first, so they keep their place before this one.
    """
    session = db.session
    if obj is not None and getattr(obj, "id", None) is None:
        session.flush()
    _lock_chain(session)
    _chain_pending(session)
    last = _newest(session)
    event = AuditEvent(
        created_at=clock.now(),
        actor_id=getattr(actor, "id", None),
        action=action,
        object_type=object_type or (type(obj).__name__ if obj is not None else ""),
        object_id=getattr(obj, "id", None),
        before=before,
        after=after,
        prev_hash=last.hash if last else GENESIS,
        seq=last.seq + 1 if last else 1,
    )
    event.hash = event_digest(event.prev_hash, event)
    session.add(event)
    session.flush()
    return event


def defer(
    session, action: str, object_type: str, object_id: int | None, *, actor_id=None, after=None
) -> None:
    """Write an event in the caller's transaction without taking the chain's lock: one INSERT.

    For the hot paths (a room of ballots): the event exists exactly when its change does, and
    ``chain_pending`` gives it its place in the chain after the caller commits — in the order
    of the pending table's ids, so the events of one transaction keep their order.
    """
    session.execute(
        _PENDING.insert(),
        {
            "created_at": clock.now(),
            "actor_id": actor_id,
            "action": action,
            "object_type": object_type,
            "object_id": object_id,
            "before": None,
            "after": after,
        },
    )


def chain_pending(session, *, wait: bool = True) -> int:
    """Chain every committed pending event, in its own transaction; how many were chained.

    Called after a ballot commits (``wait=False``: when another process holds the chain's lock
    it is chaining already, and whatever it did not see is chained by the next call), and by
    readers that need the whole log (``flask audit verify``, the export) with ``wait=True``.
    A crash before or during this step loses nothing: the pending rows stay until a later call
    chains them, and moving them is one transaction (chained and deleted together).
    """
    if not wait and not _try_lock_chain(session):
        session.rollback()
        return 0
    if wait:
        _lock_chain(session)
    chained = _chain_pending(session)
    session.commit()
    return chained


def _chain_pending(session) -> int:
    """Move the pending events into the chain, oldest first; the caller holds the chain's lock."""
    pending = session.execute(sa.select(_PENDING).order_by(_PENDING.c.id)).all()
    if not pending:
        return 0
    last = _newest(session)
    prev, seq = (last.hash, last.seq) if last else (GENESIS, 0)
    rows = []
    for row in pending:
        seq += 1
        event = AuditEvent(
            created_at=row.created_at,
            actor_id=row.actor_id,
            action=row.action,
            object_type=row.object_type,
            object_id=row.object_id,
            before=row.before,
            after=row.after,
            prev_hash=prev,
            seq=seq,
        )
        prev = event_digest(prev, event)
        rows.append(
            {
                "created_at": row.created_at,
                "actor_id": row.actor_id,
                "action": row.action,
                "object_type": row.object_type,
                "object_id": row.object_id,
                "before": row.before,
                "after": row.after,
                "prev_hash": event.prev_hash,
                "hash": prev,
                "seq": seq,
            }
        )
    session.execute(_EVENTS.insert(), rows)
    ids = [row.id for row in pending]
    session.execute(_PENDING.delete().where(_PENDING.c.id.in_(ids)))
    return len(rows)


def _newest(session):
    """(seq, hash) of the newest chained event, or None for an empty log."""
    return session.execute(
        sa.select(_EVENTS.c.seq, _EVENTS.c.hash).order_by(_EVENTS.c.seq.desc()).limit(1)
    ).first()


def _try_lock_chain(session) -> bool:
    """Take the chain's lock if it is free (PostgreSQL); SQLite waits for its write lock."""
    if session.get_bind().dialect.name == "postgresql":
        return bool(session.scalar(sa.select(sa.func.pg_try_advisory_xact_lock(_CHAIN_LOCK))))
    _lock_chain(session)
    return True


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
    """Recompute the chain; return (holds, id of the first tampered or missing event).

    Events in chain order (their ``seq``) must chain by hash and be numbered 1, 2, 3, … with
    no gap. Pending events are chained first, so the whole log is verified.
    """
    chain_pending(db.session)
    prev, position = GENESIS, 0
    for event in db.session.scalars(sa.select(AuditEvent).order_by(AuditEvent.seq)):
        position += 1
        if (
            event.prev_hash != prev
            or event.hash != event_digest(prev, event)
            or event.seq != position
        ):
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
    """The chain's head now: the newest event's position and hash, one indexed lookup.

    Events still pending (a ballot committed a moment ago) are not in it yet; the next head
    published includes them.
    """
    newest = _newest(session)
    return Head(newest.seq, newest.hash) if newest else None


def head_after(session, action: str, object_type: str, object_id: int) -> Head | None:
    """The head as it stood right after the newest ``action`` event on an object, if any.

    The minutes of a closed meeting print the head right after the meeting was closed.
    """
    event = session.execute(
        sa.select(AuditEvent.seq, AuditEvent.hash)
        .where(
            AuditEvent.action == action,
            AuditEvent.object_type == object_type,
            AuditEvent.object_id == object_id,
        )
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    ).first()
    if event is None:
        return None
    return Head(event.seq, event.hash)


def holds_head(pinned: Head) -> bool:
    """Whether the chain's ``pinned.events``-th event still has the published hash.

    Together with ``verify`` (the chain recomputes), this shows that nothing up to that event
    was removed or rewritten since the head was published.
    """
    nth = db.session.scalar(sa.select(AuditEvent.hash).where(AuditEvent.seq == pinned.events))
    return nth == pinned.hash
