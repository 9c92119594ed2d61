"""The one clock: tests freeze it (time-machine), so deadlines agree everywhere."""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time in UTC as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
