"""Units' rates and rankings (响应率 / 解决率 / 满意率 / 综合): plain Python, exact fractions.

The definitions are the body's configuration (``Body.rate_definitions``); the defaults follow
common 接诉即办 practice and are printed on the ranking page:

- **counted tasks**: the unit's tasks assigned in the period, except those the convener
  excluded (核减) with a public reason — excluded tasks are listed with their reasons instead;
- **响应率** (response) = tasks acknowledged (签收) within the body's limit / counted tasks whose
  limit has passed or that were acknowledged;
- **valid return visits**: the return visits (回访) of counted tasks, every round;
- **解决率** (resolution) = visits answering 是否解决 with yes / visits that answered it;
- **满意率** (satisfaction) = (非常满意 + 满意 + w × 基本满意) / valid visits, w = ``basic_weight``
  (9/10 by default);
- **综合** (overall) = the weighted sum of the three (1/10 × 响应 + 1/2 × 解决 + 2/5 × 满意 by
  default); none when any of the three has no data;
- **未评价**: completed or closed counted tasks without any return visit. They are shown, and
  never count as satisfied (nor in any denominator).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from fractions import Fraction
from typing import TypeVar

from app.models.statuses import RatingValue, TaskStatus

T = TypeVar("T")

DEFAULTS = {
    "basic_weight": "9/10",
    "weights": {"response": "1/10", "resolution": "1/2", "satisfaction": "2/5"},
}


@dataclass(frozen=True)
class Definitions:
    """How the rates are defined: the weight of 基本满意 and the weights of 综合."""

    basic_weight: Fraction
    response_weight: Fraction
    resolution_weight: Fraction
    satisfaction_weight: Fraction

    @classmethod
    def parse(cls, config: Mapping | None) -> Definitions:
        """Read a body's ``rate_definitions`` (exact fractions as strings), defaults filled in.

        Refused (``ValueError``): a weight outside 0…1, or 综合 weights not adding up to 1.
        """
        config = config or {}
        weights = {**DEFAULTS["weights"], **(config.get("weights") or {})}
        parsed = cls(
            basic_weight=Fraction(str(config.get("basic_weight", DEFAULTS["basic_weight"]))),
            response_weight=Fraction(str(weights["response"])),
            resolution_weight=Fraction(str(weights["resolution"])),
            satisfaction_weight=Fraction(str(weights["satisfaction"])),
        )
        parts = (parsed.response_weight, parsed.resolution_weight, parsed.satisfaction_weight)
        if not all(0 <= value <= 1 for value in (parsed.basic_weight, *parts)):
            raise ValueError("every weight lies between 0 and 1")
        if sum(parts) != 1:
            raise ValueError("the weights of 综合 must add up to 1")
        return parsed


@dataclass(frozen=True)
class TaskFacts:
    """What the rates need of one task (so the rules run on plain data)."""

    id: int
    status: str
    assigned_at: datetime
    accepted_at: datetime | None
    signed_late: bool
    excluded: bool


@dataclass(frozen=True)
class Visit:
    """What the rates need of one return visit (回访)."""

    task_id: int
    value: str
    solved: bool | None


@dataclass(frozen=True)
class UnitRates:
    """A unit's rates over a period; each rate an exact fraction, None without data."""

    counted: int
    excluded: int
    response_due: int
    responded: int
    visits: int
    solved_answers: int
    solved: int
    levels: dict[str, int]
    unrated: int
    response: Fraction | None
    resolution: Fraction | None
    satisfaction: Fraction | None
    overall: Fraction | None


def _ratio(numerator, denominator) -> Fraction | None:
    return Fraction(numerator) / denominator if denominator else None


def unit_rates(
    tasks: Iterable[TaskFacts],
    visits: Iterable[Visit],
    definitions: Definitions,
    *,
    now: datetime,
    sign_hours: int = 24,
) -> UnitRates:
    """Compute a unit's rates from its tasks of the period and their return visits.

    See the module's docstring for every definition. ``visits`` of tasks not in ``tasks`` (or
    excluded ones) are ignored. ``now`` decides whether an unacknowledged task's limit
    (``sign_hours`` after 派单) has passed.
    """
    tasks = list(tasks)
    counted = [t for t in tasks if not t.excluded]
    ids = {t.id for t in counted}
    limit = timedelta(hours=sign_hours)
    due = [t for t in counted if t.accepted_at is not None or now - t.assigned_at > limit]
    responded = sum(1 for t in due if t.accepted_at is not None and not t.signed_late)
    mine = [v for v in visits if v.task_id in ids]
    levels = {value: 0 for value in RatingValue}
    for visit in mine:
        levels[visit.value] += 1
    answered = [v for v in mine if v.solved is not None]
    solved = sum(1 for v in answered if v.solved)
    visited = {v.task_id for v in mine}
    done = (TaskStatus.COMPLETED, TaskStatus.CLOSED)
    unrated = sum(1 for t in counted if t.status in done and t.id not in visited)
    satisfied = (
        levels[RatingValue.VERY_SATISFIED]
        + levels[RatingValue.SATISFIED]
        + definitions.basic_weight * levels[RatingValue.BASIC]
    )
    response = _ratio(responded, len(due))
    resolution = _ratio(solved, len(answered))
    satisfaction = _ratio(satisfied, len(mine))
    parts = (response, resolution, satisfaction)
    overall = (
        None
        if None in parts
        else definitions.response_weight * response
        + definitions.resolution_weight * resolution
        + definitions.satisfaction_weight * satisfaction
    )
    return UnitRates(
        counted=len(counted),
        excluded=len(tasks) - len(counted),
        response_due=len(due),
        responded=responded,
        visits=len(mine),
        solved_answers=len(answered),
        solved=solved,
        levels=levels,
        unrated=unrated,
        response=response,
        resolution=resolution,
        satisfaction=satisfaction,
        overall=overall,
    )


def rank(rows: Iterable[tuple[str, UnitRates, T]]) -> list[tuple[int | None, str, UnitRates, T]]:
    """Order units by 综合, best first; equal scores share a place (1, 2, 2, 4).

    Each row is (name, rates, anything the caller carries along, e.g. the unit). Units without
    a 综合 score come last, unranked (place None); equal scores and the unscored go by name.
    """
    rows = list(rows)
    scored = sorted(
        (r for r in rows if r[1].overall is not None), key=lambda r: (-r[1].overall, r[0])
    )
    ranked, place = [], 0
    for index, (name, result, carried) in enumerate(scored, start=1):
        if index == 1 or result.overall != scored[index - 2][1].overall:
            place = index
        ranked.append((place, name, result, carried))
    unscored = sorted((r for r in rows if r[1].overall is None), key=lambda r: r[0])
    return ranked + [(None, name, result, carried) for name, result, carried in unscored]


def month_bounds(month: str) -> tuple[date, date]:
    """The first and last day of ``"YYYY-MM"``; ``ValueError`` for anything else."""
    year, number = (int(part) for part in month.split("-"))
    start = date(year, number, 1)
    following = date(year + number // 12, number % 12 + 1, 1)
    return start, following - timedelta(days=1)
