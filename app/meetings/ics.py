"""A published meeting as an iCalendar event (.ics), so members can put it in their calendar."""

from datetime import UTC, timedelta

from icalendar import Calendar, Event

from app.models import Meeting

#: Length assumed for a meeting that has no end time.
DEFAULT_LENGTH = timedelta(hours=2)


def meeting_calendar(
    meeting: Meeting, *, url: str, host: str, kinds: dict[str, str], brackets: str = "（%s）"
) -> bytes:
    """A calendar with one VEVENT for the meeting (see ``meetings_calendar``)."""
    return meetings_calendar([(meeting, url)], host=host, kinds=kinds, brackets=brackets)


def meetings_calendar(
    meetings, *, host: str, kinds: dict[str, str], brackets: str = "（%s）"
) -> bytes:
    """One VEVENT per (meeting, url): times in UTC, the agenda in the description.

    ``url`` is the meeting's public agenda page, ``host`` makes the UIDs unique across sites,
    ``kinds`` gives the words for the item kinds (信息通报/讨论/表决), ``brackets`` the reader's
    brackets around a presenter's name (（%s） in Chinese, " (%s)" in English).
    """
    calendar = Calendar()
    calendar.add("prodid", "-//Lianxi//联席//ZH")
    calendar.add("version", "2.0")
    for meeting, url in meetings:
        calendar.add_component(_event(meeting, url, host, kinds, brackets))
    return calendar.to_ical()


def _event(meeting: Meeting, url: str, host: str, kinds: dict[str, str], brackets: str) -> Event:
    event = Event()
    starts = meeting.starts_at.replace(tzinfo=UTC)
    ends = (meeting.ends_at or meeting.starts_at + DEFAULT_LENGTH).replace(tzinfo=UTC)
    event.add("uid", f"meeting-{meeting.id}@{host}")
    event.add("dtstamp", (meeting.published_at or meeting.created_at).replace(tzinfo=UTC))
    event.add("dtstart", starts)
    event.add("dtend", ends)
    event.add("summary", meeting.title)
    if meeting.place:
        event.add("location", meeting.place)
    lines = [
        f"{item.position}. [{kinds.get(item.kind, item.kind)}] {item.title}"
        + (brackets % item.presenter if item.presenter else "")
        for item in meeting.items
    ]
    event.add("description", "\n".join(lines + ["", url]))
    event.add("url", url)
    return event
