"""Working days (工作日) as China's official calendar counts them: holidays and 调休 included.

Plain Python, no Flask. A day is a working day by, in this order:

1. the administrator's table (``overrides``: a day → working or not), which may correct any day
   and, for a year listed in ``extra_years``, completes a year the package does not know yet;
2. the ``chinese-calendar`` package (the State Council's yearly notice: 法定节假日 and the 调休
   Saturdays or Sundays that become working days);
3. for a year in ``extra_years`` only, Monday to Friday (days not listed are ordinary days).

A year that neither the package nor the table knows raises ``UnknownYear``: the app says so in
plain words and never guesses (a guess would put a deadline on a holiday).

Counting rules (the 12345 practice): "N 工作日" from day D ends on the N-th working day after D
(D itself does not count, whatever it is); a task due on day E is overdue by the number of
working days after E up to and including today.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass, field
from datetime import date, timedelta

import chinese_calendar

#: A deadline of more than this many working days is refused as a typing mistake.
MAX_WORKDAYS = 250


class UnknownYear(ValueError):
    """A year whose holidays neither the package nor the administrator's table knows."""

    def __init__(self, year: int):
        super().__init__(f"the holidays of {year} are not known yet")
        self.year = year


def package_knows(year: int) -> bool:
    """Whether the installed ``chinese-calendar`` has the official holidays of ``year``."""
    try:
        chinese_calendar.is_workday(date(year, 6, 1))
    except NotImplementedError:
        return False
    return True


@dataclass(frozen=True)
class WorkCalendar:
    """The working-day calendar: the package, corrected and extended by the administrator."""

    overrides: Mapping[date, bool] = field(default_factory=dict)
    extra_years: Collection[int] = frozenset()

    def knows(self, year: int) -> bool:
        """Whether days of ``year`` can be classified (package or administrator's table)."""
        return year in self.extra_years or package_knows(year)

    def is_workday(self, day: date) -> bool:
        """Whether ``day`` is a working day (see the module's rules); ``UnknownYear`` if unknown."""
        if day in self.overrides:
            return self.overrides[day]
        if day.year in self.extra_years:
            return day.weekday() < 5
        try:
            return chinese_calendar.is_workday(day)
        except NotImplementedError:
            raise UnknownYear(day.year) from None

    def add_workdays(self, start: date, days: int) -> date:
        """The ``days``-th working day after ``start`` (``start`` itself never counts).

        ``days`` must be 1 … ``MAX_WORKDAYS``. Example: from Wed 30 Sep 2026, 1 working day is
        Thu 8 Oct 2026 (国庆 1–7 Oct is off) and 3 are Sat 10 Oct (a 调休 working day).
        """
        if not 1 <= days <= MAX_WORKDAYS:
            raise ValueError(f"working days must be 1 to {MAX_WORKDAYS}")
        day, left = start, days
        while left:
            day += timedelta(days=1)
            if self.is_workday(day):
                left -= 1
        return day

    def workdays_between(self, after: date, until: date) -> int:
        """Working days in (``after``, ``until``]: after ``after``, up to and including ``until``.

        0 when ``until`` is not after ``after``.
        """
        count, day = 0, after
        while day < until:
            day += timedelta(days=1)
            count += self.is_workday(day)
        return count

    def overdue_workdays(self, deadline: date, today: date) -> int:
        """How many working days a task due on ``deadline`` is overdue on ``today`` (0: not)."""
        return self.workdays_between(deadline, today)


#: The calendar of the package alone (no administrator's table).
PACKAGE_ONLY = WorkCalendar()
