"""Making, publishing and correcting resolutions (决议). Plain functions with no Flask import.

The rules:

- A resolution is made only from a motion that is closed and passed, and only once per motion.
  It carries the motion's frozen result (never recomputed) and answers the topic of the motion's
  agenda item unless other topics are chosen; those topics move to "decided".
- A draft may be edited freely; publishing (公示) puts it on the public board with the time.
- After publishing, a change of the title, the text or the date is a correction: the old and new
  values and the reason are kept in ``ResolutionCorrection`` and shown on the public page.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy.orm import Session

from app import clock
from app.followup.numbering import insert_numbered
from app.models import Motion, Resolution, ResolutionCorrection, Topic
from app.models.statuses import MotionStatus, ResolutionStatus, TopicStatus
from app.topics import rules as topic_rules

#: The fields a correction may change.
CORRECTABLE = ("title", "text", "decided_on")


class ResolutionError(ValueError):
    """A resolution step that is not allowed; the message says why."""


def can_resolve(motion: Motion) -> bool:
    """A motion may become a resolution when it is closed, passed and has none yet."""
    return (
        motion.status == MotionStatus.CLOSED and bool(motion.passed) and motion.resolution is None
    )


def default_topics(motion: Motion) -> list[Topic]:
    """The topics a resolution of ``motion`` answers by default: its agenda item's topic."""
    item = motion.agenda_item
    return [item.topic] if item is not None and item.topic is not None else []


def proposal(motion: Motion, tz: str) -> dict:
    """What a resolution of ``motion`` says until the convener changes it.

    The motion's text, its agenda item's title, the community's date the vote closed on, and
    the topics it answers by default.
    """
    item = motion.agenda_item
    return {
        "title": item.title if item is not None else "",
        "text": motion.text,
        "decided_on": clock.local_date(motion.closed_at or clock.now(), tz),
        "topics": [t.id for t in default_topics(motion)],
    }


def create_from_motion(
    session: Session,
    motion: Motion,
    *,
    title: str,
    text: str,
    decided_on: date,
    topics: list[Topic] | None = None,
    actor=None,
) -> Resolution:
    """Make a numbered draft resolution from a closed, passed motion.

    The number is taken per body and year of ``decided_on``. Topics answered move to "decided"
    (those that cannot — already decided, merged or declined — keep their status).
    """
    if not can_resolve(motion):
        raise ResolutionError("only a closed, passed motion without a resolution can be resolved")
    body = motion.meeting.body
    topics = default_topics(motion) if topics is None else topics
    resolution = Resolution(
        motion_id=motion.id, title=title.strip(), text=text.strip(), decided_on=decided_on
    )
    resolution.topics.extend(topics)
    insert_numbered(session, resolution, body, decided_on.year)
    for topic in topics:
        if topic_rules.can_move(topic, TopicStatus.DECIDED):
            topic_rules.move(topic, TopicStatus.DECIDED, actor=actor, note=resolution.number_text)
    return resolution


def publish(resolution: Resolution, *, now: datetime) -> None:
    """Put a draft on the public board (公示) with the time it was published."""
    if not resolution.is_draft:
        raise ResolutionError("only a draft can be published")
    resolution.status = ResolutionStatus.PUBLISHED
    resolution.published_at = now


def _text_of(value) -> str:
    return value.isoformat() if isinstance(value, date) else str(value)


def correct(
    session: Session,
    resolution: Resolution,
    field: str,
    value,
    reason: str,
    *,
    actor_id=None,
    now: datetime,
) -> ResolutionCorrection | None:
    """Change ``field`` of a resolution; after publishing, record it as a correction.

    A draft is simply edited (returns None). A published resolution needs a reason, and the
    change is kept (added to ``session``) with its before and after values. An unchanged value
    records nothing.
    """
    if field not in CORRECTABLE:
        raise ResolutionError(f"{field!r} cannot be corrected")
    before = getattr(resolution, field)
    if before == value:
        return None
    if resolution.is_draft:
        setattr(resolution, field, value)
        return None
    if not reason.strip():
        raise ResolutionError("a correction needs a reason")
    correction = ResolutionCorrection(
        resolution_id=resolution.id,
        actor_id=actor_id,
        field=field,
        before=_text_of(before),
        after=_text_of(value),
        reason=reason.strip(),
        created_at=now,
    )
    setattr(resolution, field, value)
    session.add(correction)
    return correction
