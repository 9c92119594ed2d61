"""Resolution numbers (决议文号): per body and year, gap-free, e.g. 华兴街联席〔2026〕3号.

Plain functions with no Flask import.

The rule: the next number of a body in a year is the largest number it used that year plus one
(1 for the first). Two conveners creating resolutions at the same moment may both read the same
largest number; the database's UNIQUE(body_id, year, number) lets only one of them in, and the
other reads again and takes the next number. So numbers never repeat and never skip.
"""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from app.models import Body, Resolution

ATTEMPTS = 20


class NumberingError(RuntimeError):
    """No free number could be taken (the row clashes on something other than its number)."""


def format_number(fmt: str, body: Body, year: int, number: int) -> str:
    """Write a number with the body's format: ``{short_name}``, ``{year}``, ``{number}``."""
    return fmt.format(short_name=body.short_name, name=body.name, year=year, number=number)


def next_number(session: Session, body_id: int, year: int) -> int:
    """The largest number the body used in ``year``, plus one."""
    largest = session.scalar(
        sa.select(sa.func.max(Resolution.number)).where(
            Resolution.body_id == body_id, Resolution.year == year
        )
    )
    return (largest or 0) + 1


def insert_numbered(session: Session, resolution: Resolution, body: Body, year: int) -> Resolution:
    """Give ``resolution`` the next number of ``body`` in ``year`` and insert it.

    Each try runs in a savepoint: when another transaction took the number first, the insert
    fails on the UNIQUE constraint, the savepoint is rolled back and the next number is read.
    """
    for _ in range(ATTEMPTS):
        number = next_number(session, body.id, year)
        resolution.body_id, resolution.year, resolution.number = body.id, year, number
        resolution.number_text = format_number(body.resolution_number_format, body, year, number)
        try:
            with session.begin_nested():
                session.add(resolution)
                session.flush()
        except IntegrityError:
            continue
        return resolution
    raise NumberingError(f"no free resolution number for body {body.id} in {year}")
