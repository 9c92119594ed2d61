"""Confirmed minutes, their corrections, and how the next meeting looks back (no Flask here).

The rules:

* the minutes of a closed meeting are a draft until confirmed (确认纪要), either by a step of
  the convener or by the next meeting (its first item, 确认上次会议纪要); the date and the way
  are recorded, and confirmation happens once;
* after the meeting closes nothing in the minutes is edited; a change is a correction (更正)
  appended with its reason, shown under the minutes with its date;
* a new meeting's agenda is offered two opening items, generated from the data: 确认上次会议纪要
  and 上次决议落实情况通报, the latter listing the tasks of the previous meeting's resolutions
  with their status, overdue first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.followup import rules as followup_rules
from app.meetings.rules import MeetingError, add_item
from app.models import (
    AgendaItem,
    ItemKind,
    Meeting,
    MeetingStatus,
    MinutesCorrection,
    Motion,
    Resolution,
    Task,
)

#: How minutes were confirmed: by a step of the convener, or by the next meeting.
BY_CONVENER = "convener"
BY_MEETING = "meeting"


def confirm_minutes(meeting: Meeting, *, by_id: int | None, now: datetime, how: str) -> None:
    """Confirm the minutes of a closed meeting, once, recording when, by whom and how."""
    if not meeting.is_closed:
        raise MeetingError("minutes_not_closed")
    if meeting.minutes_confirmed:
        raise MeetingError("minutes_confirmed")
    if how not in (BY_CONVENER, BY_MEETING):
        raise ValueError(f"unknown way of confirming: {how!r}")
    meeting.minutes_confirmed_at = now
    meeting.minutes_confirmed_by_id = by_id
    meeting.minutes_confirmed_how = how


def add_correction(
    session: Session, meeting: Meeting, *, text: str, reason: str, actor_id: int | None
) -> MinutesCorrection:
    """Append a correction (更正) with its reason to a closed meeting's minutes; never an edit."""
    if not meeting.is_closed:
        raise MeetingError("minutes_not_closed")
    if not text.strip() or not reason.strip():
        raise MeetingError("correction_needs_reason")
    correction = MinutesCorrection(
        meeting_id=meeting.id, actor_id=actor_id, text=text.strip(), reason=reason.strip()
    )
    session.add(correction)
    return correction


def previous_meeting(session: Session, meeting: Meeting) -> Meeting | None:
    """The body's last closed meeting that started before this one, or None."""
    return session.scalar(
        sa.select(Meeting)
        .where(
            Meeting.body_id == meeting.body_id,
            Meeting.status == MeetingStatus.CLOSED,
            Meeting.starts_at < meeting.starts_at,
            Meeting.id != meeting.id,
        )
        .order_by(Meeting.starts_at.desc(), Meeting.id.desc())
        .limit(1)
    )


def previous_tasks(session: Session, previous: Meeting, today: date) -> list[Task]:
    """The tasks of the resolutions the previous meeting formed, overdue first."""
    tasks = session.scalars(
        sa.select(Task)
        .join(Resolution, Task.resolution_id == Resolution.id)
        .join(Motion, Resolution.motion_id == Motion.id)
        .where(Motion.meeting_id == previous.id)
    ).all()
    return followup_rules.overdue_first(list(tasks), today)


def opening_items(
    session: Session,
    meeting: Meeting,
    today: date,
    _: Callable[..., str],
    status_word: Callable[[str], str],
) -> list[dict]:
    """The two opening items offered to a new meeting, or none without a previous meeting.

    ``_`` is the gettext to word them with and ``status_word`` names a task's status.
    """
    previous = previous_meeting(session, meeting)
    if previous is None:
        return []
    lines = []
    for task in previous_tasks(session, previous, today):
        late = followup_rules.overdue_days(task, today)
        line = _(
            "%(number)s %(title)s — %(unit)s：%(status)s，截止 %(deadline)s",
            number=task.resolution.number_text,
            title=task.title,
            unit=task.unit.name,
            status=status_word(task.status),
            deadline=task.deadline.isoformat(),
        )
        if late:
            line += _("（已逾期 %(n)s 个工作日）", n=late)
        lines.append(line)
    report = "\n".join(lines) if lines else _("上次会议没有形成需要督办的决议。")
    return [
        {
            "title": _("确认上次会议纪要"),
            "kind": ItemKind.DECISION,
            "description": _("确认“%(title)s”的会议纪要。", title=previous.title),
        },
        {
            "title": _("上次决议落实情况通报"),
            "kind": ItemKind.INFORMATION,
            "description": report,
        },
    ]


def has_opening_items(meeting: Meeting, titles: list[str]) -> bool:
    """Whether the agenda already carries the opening items (their titles)."""
    present = {item.title for item in meeting.items}
    return all(title in present for title in titles)


def add_opening_items(meeting: Meeting, items: list[dict]) -> list[AgendaItem]:
    """Put the opening items first on the agenda, the others moving down, until it closes."""
    added = [add_item(meeting, **fields) for fields in items]
    order = added + [item for item in meeting.items if item not in added]
    for position, item in enumerate(order, start=1):
        item.position = position
    meeting.items.sort(key=lambda i: i.position)
    return added
