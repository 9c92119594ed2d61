"""The topic state machine (议题流转): which moves are allowed from each status.

Plain functions with no Flask import. They change the topic and add a ``TopicEvent`` to its
history; the caller records the audit event and commits.

The rule::

    submitted  → accepted, needs_info, merged, declined
    needs_info → submitted (the submitter answered), accepted, merged, declined
    accepted   → on_agenda, decided, merged
    on_agenda  → decided, accepted (taken off the agenda)
    merged, declined, decided → nothing (final; the history stays public)

Merging and declining have their own functions because they carry more than a status:
``merge`` moves the seconds to the surviving topic, ``decline`` needs a public reason.
"""

from __future__ import annotations

import contextlib

import sqlalchemy as sa
from sqlalchemy.orm import object_session

from app.models.statuses import TopicStatus
from app.models.topics import MeToo, Second, Topic, TopicEvent

S = TopicStatus
ALLOWED: dict[str, tuple[TopicStatus, ...]] = {
    S.SUBMITTED: (S.ACCEPTED, S.NEEDS_INFO, S.MERGED, S.DECLINED),
    S.NEEDS_INFO: (S.SUBMITTED, S.ACCEPTED, S.MERGED, S.DECLINED),
    S.ACCEPTED: (S.ON_AGENDA, S.DECIDED, S.MERGED),
    S.ON_AGENDA: (S.DECIDED, S.ACCEPTED),
    S.MERGED: (),
    S.DECLINED: (),
    S.DECIDED: (),
}

#: Public decline reasons (不予受理的理由), by code; app/topics/labels.py gives their words:
#: duplicate, outside our remit, already being handled, not enough information.
DECLINE_REASONS = ("duplicate", "outside_remit", "already_handled", "not_enough_info")


class TransitionError(ValueError):
    """A move the state machine does not allow; the message says why in plain words."""


def allowed_transitions(status: str) -> tuple[TopicStatus, ...]:
    """The statuses a topic in ``status`` may move to next (empty for final statuses)."""
    if status not in ALLOWED:
        raise TransitionError(f"unknown topic status '{status}'")
    return ALLOWED[status]


def can_move(topic: Topic, to_status: str) -> bool:
    """Whether ``topic`` may move to ``to_status`` now."""
    return to_status in allowed_transitions(topic.status or TopicStatus.SUBMITTED)


def _event(topic: Topic, to_status: str, actor, note: str) -> TopicEvent:
    event = TopicEvent(
        from_status=topic.status or "",
        to_status=to_status,
        actor_id=getattr(actor, "id", None),
        note=note or "",
    )
    topic.status = to_status
    topic.events.append(event)
    return event


def start(topic: Topic, *, actor=None, note: str = "") -> TopicEvent:
    """Record the first step of a new topic's history: it was submitted (from nothing)."""
    topic.status = ""
    return _event(topic, TopicStatus.SUBMITTED, actor, note)


def move(topic: Topic, to_status: str, *, actor=None, note: str = "") -> TopicEvent:
    """Move ``topic`` to ``to_status`` if ``ALLOWED`` permits it, and append the history event.

    Raises ``TransitionError`` for a move that is not allowed, and for "merged"/"declined",
    which must go through ``merge`` / ``decline`` so their target or reason is never missing.
    """
    if to_status not in ALLOWED:
        raise TransitionError(f"unknown topic status '{to_status}'")
    if to_status in (TopicStatus.MERGED, TopicStatus.DECLINED):
        raise TransitionError(f"use {to_status[:-1]}() to move a topic to '{to_status}'")
    current = topic.status or TopicStatus.SUBMITTED
    if not can_move(topic, to_status):
        raise TransitionError(f"a topic cannot move from '{current}' to '{to_status}'")
    return _event(topic, to_status, actor, note)


def merge(topic: Topic, into: Topic, actor=None, note: str = "") -> TopicEvent:
    """Fold ``topic`` into ``into`` (合并): its seconds carry over, it points to the survivor.

    Both topics must belong to the same body; the survivor must be open (submitted, needs_info
    or accepted) and not the topic itself. Each seconding member counts once on the survivor:
    a member who seconded both keeps one second. The merged topic's seconds move; its own
    count drops to zero. The submitter of the merged topic keeps following it through its
    link, which shows the survivor.
    """
    if into is topic or (into.id is not None and into.id == topic.id):
        raise TransitionError("a topic cannot be merged into itself")
    if into.body_id != topic.body_id:
        raise TransitionError("topics of different bodies cannot be merged")
    if not into.is_open:
        raise TransitionError(f"cannot merge into a topic that is '{into.status}'")
    if not can_move(topic, TopicStatus.MERGED):
        raise TransitionError(f"a topic cannot move from '{topic.status}' to 'merged'")
    session = object_session(topic) or object_session(into)
    if session is not None and topic.id is not None and into.id is not None:
        into.seconds_count = (into.seconds_count or 0) + _move_seconds(session, topic, into)
    # Status and target change together: a flush in between (loading an expired actor, say)
    # would break the table's rule that a merged topic names its target and only then.
    with session.no_autoflush if session is not None else contextlib.nullcontext():
        topic.seconds_count = 0
        topic.merged_into = into
        topic.merged_into_id = into.id
        return _event(topic, TopicStatus.MERGED, actor, note)


def _move_seconds(session, topic: Topic, into: Topic) -> int:
    """Move the seconds of ``topic`` onto ``into``, skipping members who seconded both."""
    already = set(session.scalars(sa.select(Second.user_id).where(Second.topic_id == into.id)))
    moved = 0
    for second in session.scalars(sa.select(Second).where(Second.topic_id == topic.id)).all():
        if second.user_id not in already:
            session.add(
                Second(topic_id=into.id, user_id=second.user_id, created_at=second.created_at)
            )
            already.add(second.user_id)
            moved += 1
        session.delete(second)
    return moved


def decline(topic: Topic, reason_code: str, note: str = "", actor=None) -> TopicEvent:
    """Decline ``topic`` (不予受理) with a public reason from ``DECLINE_REASONS``.

    The reason code is required; the free-text note is shown publicly with it.
    """
    if reason_code not in DECLINE_REASONS:
        raise TransitionError(f"unknown decline reason '{reason_code}'")
    if not can_move(topic, TopicStatus.DECLINED):
        raise TransitionError(f"a topic cannot move from '{topic.status}' to 'declined'")
    topic.decline_reason = reason_code
    topic.decline_note = note or ""
    return _event(topic, TopicStatus.DECLINED, actor, note)


def audit_state(topic: Topic) -> dict:
    """What the audit log keeps of a topic after a move: its status, and target or reason."""
    state = {"status": topic.status}
    if topic.merged_into_id:
        state["merged_into"] = topic.merged_into_id
    if topic.decline_reason:
        state["decline_reason"] = topic.decline_reason
    return state


def second(topic: Topic, user) -> bool:
    """Record ``user``'s second (附议) of ``topic``; True when added, False when already there.

    A member seconds a topic at most once (the table's key is topic and member, so even two
    clicks at the same moment store one). Only open topics (submitted, needs_info, accepted)
    take seconds, and nobody seconds their own topic: both raise ``TransitionError``.
    """
    if not topic.is_open:
        raise TransitionError(f"a topic that is '{topic.status}' takes no more seconds")
    if topic.submitter_id is not None and topic.submitter_id == user.id:
        raise TransitionError("members do not second their own topic")
    session = object_session(topic)
    if session.get(Second, (topic.id, user.id)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(Second(topic_id=topic.id, user_id=user.id))
    except sa.exc.IntegrityError:
        return False
    # Counted in SQL so two members seconding at once both count.
    topic.seconds_count = Topic.seconds_count + 1
    return True


def me_too(topic: Topic, device_hash: str) -> bool:
    """Record a device's "我也遇到过" on ``topic``; True when added, False when already there.

    One per device and topic (the table's key is both, so two taps at the same moment store
    one). A merged topic takes none: its survivor does (``TransitionError``). It never changes
    the seconds (附议), which only members give.
    """
    if topic.status == TopicStatus.MERGED:
        raise TransitionError("a merged topic takes no 我也遇到过: its survivor does")
    session = object_session(topic)
    if session.get(MeToo, (topic.id, device_hash)) is not None:
        return False
    try:
        with session.begin_nested():
            session.add(MeToo(topic_id=topic.id, device_hash=device_hash))
    except sa.exc.IntegrityError:
        return False
    return True


def has_seconded(topic: Topic, user) -> bool:
    """Whether ``user`` already seconded ``topic``."""
    session = object_session(topic)
    return session is not None and session.get(Second, (topic.id, user.id)) is not None


def survivor(topic: Topic) -> Topic:
    """The topic a merged topic lives on in, following merges of merges; itself if not merged.

    Its submitter follows the survivor's fate: its status, history and, later, its tasks.
    """
    session = object_session(topic)
    seen = set()
    while topic.merged_into_id and topic.id not in seen:
        seen.add(topic.id)
        topic = topic.merged_into or session.get(Topic, topic.merged_into_id)
    return topic
