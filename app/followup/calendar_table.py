"""The administrator's holiday / 调休 table, year by year (plain Python on a session, no Flask).

The administrator writes a year's 法定节假日 and its 调休 working days from the State Council's
notice, one day a line: ``2027-02-11 春节`` (the name may be left out). Rules:

- every date lies inside the year being edited;
- no date is both a holiday and a working day;
- saving replaces the table's days of that year and declares the year known: Monday to Friday
  work, except the days listed (see app/followup/workdays.py). A year the package knows may be
  corrected the same way.

A year neither the package nor the table knows stays unknown, and the pages say so.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app.followup.workdays import package_knows
from app.models import WorkCalendarDay, WorkCalendarYear

#: The years the table accepts (the table's CHECK).
FIRST_YEAR, LAST_YEAR = 2000, 2200


class DayLineError(ValueError):
    """A line that is not a date of the year; ``reason`` says which rule it broke."""

    def __init__(self, line: str, reason: str):
        super().__init__(f"{reason}: {line!r}")
        self.line = line
        self.reason = reason


def parse_days(text: str, year: int) -> dict[date, str]:
    """``{day: name}`` from lines ``YYYY-MM-DD name`` (``=`` may separate them too).

    Blank lines are skipped. ``DayLineError`` for the first line that is not a date
    (``reason="not_a_date"``) or lies outside ``year`` (``reason="other_year"``).
    """
    days: dict[date, str] = {}
    for raw in text.splitlines():
        line = raw.strip()
        if not line:
            continue
        head, _sep, name = line.replace("=", " ", 1).partition(" ")
        try:
            day = date.fromisoformat(head.strip())
        except ValueError:
            raise DayLineError(line, "not_a_date") from None
        if day.year != year:
            raise DayLineError(line, "other_year")
        days[day] = name.strip()[:60]
    return days


def both_ways(holidays: dict[date, str], workdays: dict[date, str]) -> list[date]:
    """Dates listed both as a holiday and as a working day (refused), in order."""
    return sorted(set(holidays) & set(workdays))


def year_days(session: Session, year: int) -> tuple[dict[date, str], dict[date, str]]:
    """The table's holidays and working days of ``year``."""
    rows = session.scalars(
        sa.select(WorkCalendarDay)
        .where(WorkCalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(WorkCalendarDay.day)
    )
    holidays, workdays = {}, {}
    for row in rows:
        (workdays if row.is_workday else holidays)[row.day] = row.name
    return holidays, workdays


def as_lines(days: dict[date, str]) -> str:
    """Days as the form shows them, one a line."""
    return "\n".join(f"{d.isoformat()} {name}".strip() for d, name in sorted(days.items()))


def save_year(
    session: Session,
    year: int,
    holidays: dict[date, str],
    workdays: dict[date, str],
    note: str,
    *,
    now: datetime,
) -> dict:
    """Replace the table's days of ``year`` and declare it known; return the audit's facts."""
    if both_ways(holidays, workdays):
        raise ValueError("a date is both a holiday and a working day")
    row = session.get(WorkCalendarYear, year)
    if row is None:
        row = WorkCalendarYear(year=year, created_at=now)
        session.add(row)
    row.note = note.strip()
    session.execute(
        sa.delete(WorkCalendarDay).where(
            WorkCalendarDay.day.between(date(year, 1, 1), date(year, 12, 31))
        )
    )
    for day, name in holidays.items():
        session.add(WorkCalendarDay(day=day, is_workday=False, name=name))
    for day, name in workdays.items():
        session.add(WorkCalendarDay(day=day, is_workday=True, name=name))
    return {
        "year": year,
        "note": row.note,
        "holidays": sorted(d.isoformat() for d in holidays),
        "workdays": sorted(d.isoformat() for d in workdays),
    }


@dataclass(frozen=True)
class YearState:
    """What is known of one year: by the package, by the table (with its day counts), or not."""

    year: int
    by_package: bool
    by_table: bool
    holidays: int = 0
    workdays: int = 0

    @property
    def known(self) -> bool:
        """Known by the package or by the table."""
        return self.by_package or self.by_table


def year_states(session: Session, this_year: int) -> list[YearState]:
    """The years worth showing: the package's, the table's, and this year and the next two."""
    table_years = set(session.scalars(sa.select(WorkCalendarYear.year)).all())
    counts = dict.fromkeys(table_years, (0, 0))
    for day, is_workday in session.execute(
        sa.select(WorkCalendarDay.day, WorkCalendarDay.is_workday)
    ):
        off, on = counts.get(day.year, (0, 0))
        counts[day.year] = (off, on + 1) if is_workday else (off + 1, on)
    years = {y for y in range(this_year - 2, this_year + 3)} | table_years | set(counts)
    return [
        YearState(
            year=y,
            by_package=package_knows(y),
            by_table=y in table_years,
            holidays=counts.get(y, (0, 0))[0],
            workdays=counts.get(y, (0, 0))[1],
        )
        for y in sorted(years, reverse=True)
    ]


@functools.cache
def package_years() -> tuple[int, int] | None:
    """The first and last year the installed ``chinese-calendar`` knows, or None."""
    known = [y for y in range(FIRST_YEAR, LAST_YEAR + 1) if package_knows(y)]
    return (known[0], known[-1]) if known else None
