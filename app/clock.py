"""The one clock: tests freeze it (time-machine), so deadlines agree everywhere."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import current_app


def now() -> datetime:
    """Return the current time in UTC as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)


def local_date(at: datetime, tz: str) -> date:
    """The community's date in time zone ``tz`` at ``at`` (a stored, naive UTC time)."""
    return at.replace(tzinfo=UTC).astimezone(ZoneInfo(tz)).date()


def local_today(tz: str) -> date:
    """The community's date now in time zone ``tz``."""
    return local_date(now(), tz)


def today() -> date:
    """The community's date now, in the app's configured time zone (LIANXI_TIMEZONE)."""
    return local_today(current_app.config["LIANXI_TIMEZONE"])


def to_utc(local: datetime, tz: str) -> datetime:
    """A naive local time typed in time zone ``tz`` as a stored, naive UTC time."""
    return local.replace(tzinfo=ZoneInfo(tz)).astimezone(UTC).replace(tzinfo=None)
