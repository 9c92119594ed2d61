"""One place that says what time it is, so tests can freeze it (time-machine) and deadlines agree."""

from datetime import UTC, datetime


def now() -> datetime:
    """Return the current time in UTC as a naive datetime (how every timestamp is stored)."""
    return datetime.now(UTC).replace(tzinfo=None)
