"""Working days across 国庆 and 春节 with their 调休 days, and the units' rates (worked example)."""

from datetime import date, datetime, timedelta
from fractions import Fraction

import pytest

from app.followup import rates
from app.followup.rates import Definitions, TaskFacts, Visit
from app.followup.workdays import PACKAGE_ONLY, UnknownYear, WorkCalendar

CAL = PACKAGE_ONLY


@pytest.mark.parametrize(
    ("start", "days", "end"),
    [
        # 国庆 2026: 1–7 Oct off; Sun 20 Sep and Sat 10 Oct are 调休 working days
        (date(2026, 9, 30), 1, date(2026, 10, 8)),
        (date(2026, 9, 30), 3, date(2026, 10, 10)),
        (date(2026, 9, 18), 1, date(2026, 9, 20)),
        # 春节 2026: 15–23 Feb off; Sat 14 Feb and Sat 28 Feb are 调休 working days
        (date(2026, 2, 13), 1, date(2026, 2, 14)),
        (date(2026, 2, 13), 2, date(2026, 2, 24)),
        (date(2026, 2, 27), 1, date(2026, 2, 28)),
        # an ordinary week: Friday + 1 is Monday
        (date(2026, 11, 27), 1, date(2026, 11, 30)),
    ],
)
def test_add_workdays_across_national_holidays(start, days, end):
    """N 工作日 skips 法定节假日 and counts 调休 Saturdays and Sundays as working days."""
    assert CAL.add_workdays(start, days) == end


def test_overdue_counts_working_days_only():
    """Due 30 Sep: on 10 Oct it is 3 working days late (8, 9 and the 调休 Saturday 10 Oct)."""
    assert CAL.overdue_workdays(date(2026, 9, 30), date(2026, 10, 7)) == 0
    assert CAL.overdue_workdays(date(2026, 9, 30), date(2026, 10, 10)) == 3
    assert CAL.overdue_workdays(date(2026, 2, 13), date(2026, 2, 23)) == 1
    assert CAL.overdue_workdays(date(2026, 10, 9), date(2026, 10, 9)) == 0


def test_unknown_year_is_refused_not_guessed():
    """A year the package does not know raises UnknownYear naming it; no weekday guess."""
    with pytest.raises(UnknownYear) as error:
        CAL.add_workdays(date(2031, 1, 10), 1)
    assert error.value.year == 2031


def test_administrator_table_completes_a_year_and_corrects_days():
    """A year the administrator adds counts Mon–Fri plus its listed holidays and 调休 days."""
    calendar = WorkCalendar(
        overrides={date(2031, 1, 1): False, date(2031, 1, 4): True}, extra_years={2031}
    )
    assert calendar.knows(2031) and not CAL.knows(2031)
    assert not calendar.is_workday(date(2031, 1, 1))  # a Wednesday, 元旦
    assert calendar.is_workday(date(2031, 1, 4))  # a Saturday made a working day
    assert calendar.add_workdays(date(2031, 1, 1), 3) == date(2031, 1, 4)


def test_add_workdays_refuses_silly_counts():
    """0 or more than a year of working days is refused."""
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 5, 6), 0)
    with pytest.raises(ValueError):
        CAL.add_workdays(date(2026, 5, 6), 251)


# --- rates: the worked example of docs/followup.md --------------------------------------------

ASSIGNED = datetime(2026, 11, 2, 1, 0)
NOW = datetime(2026, 11, 30, 8, 0)


def _worked_example():
    tasks = [
        TaskFacts(
            id=i,
            status="closed" if i <= 6 else "completed" if i <= 8 else "in_progress",
            assigned_at=ASSIGNED,
            accepted_at=ASSIGNED + timedelta(hours=30 if i == 9 else 2),
            signed_late=i == 9,
            excluded=False,
        )
        for i in range(1, 10)
    ]
    tasks.append(
        TaskFacts(
            id=10,
            status="closed",
            assigned_at=ASSIGNED,
            accepted_at=None,
            signed_late=False,
            excluded=True,
        )
    )
    values = ["very_satisfied", "very_satisfied", "satisfied", "satisfied", "basic", "unsatisfied"]
    visits = [
        Visit(task_id=i, value=value, solved=value != "unsatisfied")
        for i, value in enumerate(values, start=1)
    ]
    visits.append(Visit(task_id=10, value="very_unsatisfied", solved=False))  # 核减: ignored
    return tasks, visits


def test_worked_example_of_the_unit_rates():
    """10 tasks, 1 核减, 1 late 签收, 6 visits, 2 未评价: 8/9, 5/6, 49/60 and 综合 749/900."""
    tasks, visits = _worked_example()
    result = rates.unit_rates(tasks, visits, Definitions.parse(None), now=NOW)
    assert (result.counted, result.excluded, result.unrated) == (9, 1, 2)
    assert result.response == Fraction(8, 9)
    assert result.resolution == Fraction(5, 6)
    assert result.satisfaction == Fraction(49, 60)
    assert result.overall == Fraction(749, 900)


def test_unrated_never_counts_as_satisfied():
    """Tasks without a return visit (未评价) change no rate: 满意率 stays on the visits alone."""
    tasks, visits = _worked_example()
    only_first = [v for v in visits if v.task_id == 6]  # one 不满意
    result = rates.unit_rates(tasks, only_first, Definitions.parse(None), now=NOW)
    assert result.satisfaction == 0 and result.unrated == 7


def test_no_visits_no_satisfaction_and_no_overall():
    """Without any valid visit 满意率 and 综合 are unknown (None), not 0% or 100%."""
    tasks, _ = _worked_example()
    result = rates.unit_rates(tasks, [], Definitions.parse(None), now=NOW)
    assert result.satisfaction is None and result.overall is None and result.response is not None


def test_response_waits_for_the_limit():
    """A task not yet acknowledged counts against 响应率 only once its limit has passed."""
    fresh = TaskFacts(1, "assigned", NOW - timedelta(hours=3), None, False, False)
    stale = TaskFacts(2, "assigned", NOW - timedelta(hours=25), None, False, False)
    result = rates.unit_rates([fresh, stale], [], Definitions.parse(None), now=NOW)
    assert (result.response_due, result.responded, result.response) == (1, 0, 0)


def test_definitions_are_configurable_and_checked():
    """A body may weigh 基本满意 fully; weights of 综合 must add up to 1."""
    tasks, visits = _worked_example()
    full = Definitions.parse({"basic_weight": "1"})
    assert rates.unit_rates(tasks, visits, full, now=NOW).satisfaction == Fraction(5, 6)
    with pytest.raises(ValueError):
        Definitions.parse({"weights": {"response": "1/2"}})


def test_ranking_shares_places_and_puts_unscored_last():
    """Equal 综合 share a place (1, 2, 2, 4 style); units without data come last, unranked."""

    def r(overall):
        return rates.UnitRates(0, 0, 0, 0, 0, 0, 0, {}, 0, None, None, None, overall)

    ranked = rates.rank(
        [
            ("丙", r(Fraction(1, 2)), 3),
            ("甲", r(Fraction(9, 10)), 1),
            ("乙", r(Fraction(1, 2)), 2),
            ("丁", r(None), 4),
        ]
    )
    assert [(place, name) for place, name, _, _ in ranked] == [
        (1, "甲"),
        (2, "丙"),
        (2, "乙"),
        (None, "丁"),
    ]


def test_month_bounds():
    """Month "2026-12" runs from 1 to 31 December; nonsense is refused."""
    assert rates.month_bounds("2026-12") == (date(2026, 12, 1), date(2026, 12, 31))
    assert rates.month_bounds("2026-02") == (date(2026, 2, 1), date(2026, 2, 28))
    with pytest.raises(ValueError):
        rates.month_bounds("2026-13")
