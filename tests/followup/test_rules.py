"""The follow-up rules without a client: task moves and roles, ratings, overdue, rates."""

from datetime import date, datetime
from fractions import Fraction

import pytest
import time_machine

from app import clock
from app.followup import rules
from app.followup.rules import TaskError
from app.models import Rating, Resolution, Task, Topic
from app.models.followup import TaskRole

NOW = datetime(2026, 10, 1, 2, 0)


def _task(status="assigned", **fields) -> Task:
    task = Task(
        status=status,
        round=1,
        deadline=fields.pop("deadline", date(2026, 10, 15)),
        assigned_at=fields.pop("assigned_at", datetime(2026, 9, 17, 1, 0)),
        **fields,
    )
    task.updates = []
    return task


@pytest.mark.parametrize(
    ("status", "role", "actions"),
    [
        ("assigned", "unit", ["accept", "decline"]),
        ("accepted", "unit", ["progress", "complete", "contact", "extend"]),
        ("in_progress", "unit", ["progress", "complete", "contact", "extend"]),
        ("completed", "unit", []),
        ("assigned", "convener", ["exclude"]),
        ("declined", "convener", ["reassign", "exclude"]),
        ("completed", "convener", ["close", "reopen", "exclude"]),
        ("closed", "convener", ["exclude"]),
        ("closed", "unit", []),
    ],
)
def test_allowed_actions_by_status_and_role(status, role, actions):
    """Each role sees exactly the moves the state machine gives it from each status."""
    assert rules.allowed_actions(_task(status), role) == actions


def test_full_cycle_leaves_a_dated_timeline():
    """Accept, progress, complete and close move the task and append one dated note each."""
    task = _task()
    rules.accept(task, now=NOW)
    rules.progress(task, "勘查完毕", now=NOW, photo=("a" * 32 + ".png", "image/png"))
    rules.complete(task, "已挂牌", now=NOW)
    rules.close(task, now=NOW)
    assert task.status == "closed" and task.accepted_at == NOW and task.closed_at == NOW
    assert [u.kind for u in task.updates] == ["accepted", "note", "completed", "closed"]
    # assigned on 17 Sep, acknowledged on 1 Oct: far beyond 24 hours, recorded as late
    assert task.signed_late is True and task.updates[0].details == {"late": True}
    assert task.updates[1].photo_type == "image/png"
    assert task.completion_report == "已挂牌"


def test_wrong_role_cannot_move():
    """A convener cannot accept for the unit, and a unit cannot close its own task."""
    with pytest.raises(TaskError):
        rules._move(_task(), "accept", rules.CONVENER, actor_id=None, now=NOW, note="")
    with pytest.raises(TaskError):
        rules._move(_task("completed"), "close", rules.UNIT, actor_id=None, now=NOW, note="")


def test_moves_from_wrong_status_are_refused():
    """A task cannot be completed before it is accepted, nor closed before completion."""
    with pytest.raises(TaskError):
        rules.complete(_task("assigned"), "做完了", now=NOW)
    with pytest.raises(TaskError):
        rules.close(_task("in_progress"), now=NOW)


def test_decline_needs_reason_and_reassign_clears_it():
    """A decline keeps its reason; reassigning sends it to a unit again with a new deadline."""
    task = _task()
    with pytest.raises(TaskError):
        rules.decline(task, "  ", now=NOW)
    rules.decline(task, "不属于物业职责", now=NOW)
    assert task.status == "declined" and task.decline_reason == "不属于物业职责"
    rules.reassign(task, 7, date(2026, 11, 1), now=NOW)
    assert (task.status, task.unit_id, task.deadline, task.decline_reason) == (
        "assigned",
        7,
        date(2026, 11, 1),
        "",
    )


def test_reopen_starts_a_new_round_with_a_later_deadline():
    """Reopening puts the task back in progress, round + 1, with a deadline after today."""
    task = _task("completed", completed_at=NOW)
    with pytest.raises(TaskError):
        rules.reopen(task, date(2026, 10, 1), now=NOW, today=date(2026, 10, 1))
    rules.reopen(task, date(2026, 10, 20), now=NOW, today=date(2026, 10, 1), note="还有异味")
    assert (task.status, task.round, task.deadline, task.completed_at) == (
        "in_progress",
        2,
        date(2026, 10, 20),
        None,
    )


@pytest.mark.parametrize(
    ("values", "rule", "outcome"),
    [
        ([], "majority_basic", None),
        (["satisfied", "basic", "unsatisfied"], "majority_basic", "close"),
        (["basic", "unsatisfied"], "majority_basic", "reopen"),  # a tie is not a majority
        (["unsatisfied", "unsatisfied", "satisfied"], "majority_basic", "reopen"),
        (["satisfied", "basic"], "all_basic", "close"),
        (["satisfied", "satisfied", "unsatisfied"], "all_basic", "reopen"),
    ],
)
def test_rating_outcome(values, rule, outcome):
    """The rating rules close on a (strict) majority or on unanimity of at least 基本满意."""
    assert rules.rating_outcome(values, rule) == outcome


def test_rating_outcome_refuses_unknown_rule():
    """A rule name the app does not know is an error, not a silent default."""
    with pytest.raises(ValueError):
        rules.rating_outcome(["basic"], "whatever")


def test_overdue_days_count_working_days_from_the_day_after_the_deadline():
    """Due today is not overdue; then each working day counts; finished tasks never are."""
    task = _task("in_progress", deadline=date(2026, 10, 15))
    assert rules.overdue_days(task, date(2026, 10, 15)) == 0
    assert rules.overdue_days(task, date(2026, 10, 16)) == 1
    assert rules.overdue_days(task, date(2026, 10, 25)) == 6  # two weekends do not count
    before_holiday = _task("in_progress", deadline=date(2026, 9, 30))
    assert rules.is_overdue(before_holiday, date(2026, 10, 5))
    assert rules.overdue_days(before_holiday, date(2026, 10, 5)) == 0  # 国庆
    assert (
        rules.overdue_days(_task("completed", deadline=date(2026, 10, 1)), date(2026, 11, 1)) == 0
    )


def test_local_today_is_the_community_date():
    """At 17:00 UTC it is already the next day in Asia/Shanghai."""
    assert clock.local_date(datetime(2026, 10, 15, 17, 0), "Asia/Shanghai") == date(2026, 10, 16)
    assert clock.local_date(datetime(2026, 10, 15, 15, 59), "Asia/Shanghai") == date(2026, 10, 15)


@time_machine.travel("2026-10-15 17:30 +0000", tick=False)
def test_today_follows_the_configured_time_zone(app):
    """clock.today() is the date in LIANXI_TIMEZONE; local_today gives it for any zone."""
    with app.app_context():
        assert clock.today() == date(2026, 10, 16)
    assert clock.local_today("Asia/Shanghai") == date(2026, 10, 16)
    assert clock.local_today("UTC") == date(2026, 10, 15)


def test_overdue_first_orders_most_overdue_first_then_deadline():
    """Overdue tasks first (most overdue first), then running ones by deadline, finished last."""
    late = _task("accepted", id=1, deadline=date(2026, 10, 1))
    later = _task("assigned", id=2, deadline=date(2026, 9, 20))
    soon = _task("assigned", id=3, deadline=date(2026, 10, 20))
    done = _task("closed", id=4, deadline=date(2026, 9, 1))
    ordered = rules.overdue_first([soon, done, late, later], date(2026, 10, 10))
    assert [t.id for t in ordered] == [2, 1, 3, 4]


def test_due_this_week_runs_to_sunday():
    """From Wednesday 2026-10-14, tasks due up to Sunday 10-18 are due this week."""
    wednesday = date(2026, 10, 14)
    assert rules.due_this_week(_task(deadline=date(2026, 10, 18)), wednesday)
    assert not rules.due_this_week(_task(deadline=date(2026, 10, 19)), wednesday)
    assert not rules.due_this_week(_task("closed", deadline=date(2026, 10, 15)), wednesday)


def test_unit_record_on_a_fixture_with_known_answers():
    """Four tasks in 2026, one in 2025: 2 accepted in 3 days, 1 on time, 3/4 ratings good."""
    day = datetime(2026, 3, 1, 1, 0)
    tasks = [
        # accepted after 1 day, completed on time
        _task(
            "closed",
            assigned_at=day,
            accepted_at=datetime(2026, 3, 2, 1, 0),
            completed_at=datetime(2026, 3, 10, 1, 0),
            deadline=date(2026, 3, 15),
        ),
        # accepted after exactly 3 days, completed late
        _task(
            "completed",
            assigned_at=day,
            accepted_at=datetime(2026, 3, 4, 1, 0),
            completed_at=datetime(2026, 3, 20, 1, 0),
            deadline=date(2026, 3, 15),
        ),
        # accepted after 5 days, still running
        _task("in_progress", assigned_at=day, accepted_at=datetime(2026, 3, 6, 1, 0)),
        # never accepted
        _task("assigned", assigned_at=day),
        # outside the period
        _task("closed", assigned_at=datetime(2025, 6, 1), accepted_at=datetime(2025, 6, 1)),
    ]
    record = rules.unit_record(
        tasks,
        ["satisfied", "basic", "unsatisfied", "satisfied"],
        date(2026, 1, 1),
        date(2026, 12, 31),
    )
    assert (
        record.assigned,
        record.accepted_in_time,
        record.completed,
        record.completed_on_time,
    ) == (4, 2, 2, 1)
    assert record.response_rate == Fraction(1, 2)
    assert record.on_time_rate == Fraction(1, 4)
    assert record.satisfaction_rate == Fraction(3, 4)
    assert rules.percent(record.satisfaction_rate) == "75%"


def test_unit_record_without_data_has_no_rates():
    """A unit with no tasks has no rates (shown as —), not 0% or a division by zero."""
    record = rules.unit_record([], [], date(2026, 1, 1), date(2026, 12, 31))
    assert record.response_rate is None and record.satisfaction_rate is None
    assert rules.percent(record.on_time_rate) == "—"


def test_status_counts_list_every_status():
    """Every status is counted, those with no task as 0."""
    counts = rules.status_counts([_task("assigned"), _task("assigned"), _task("closed")])
    assert counts["assigned"] == 2 and counts["closed"] == 1 and counts["declined"] == 0
    assert list(counts) == [
        "assigned",
        "accepted",
        "declined",
        "in_progress",
        "completed",
        "closed",
    ]


def test_round_rating_counts_count_only_the_current_round():
    """Ratings of an earlier round are kept but not counted for the task's current round."""
    task = _task("completed", id=1)
    task.round = 2
    ratings = [
        Rating(task_id=1, round=1, value="unsatisfied"),
        Rating(task_id=1, round=2, value="basic"),
        Rating(task_id=2, round=2, value="satisfied"),
    ]
    counts = rules.round_rating_counts([task], ratings)
    assert counts == {
        1: {
            "very_satisfied": 0,
            "satisfied": 0,
            "basic": 1,
            "unsatisfied": 0,
            "very_unsatisfied": 0,
        }
    }


def test_assigned_within_uses_the_community_date():
    """A task assigned at 16:30 UTC on 31 December counts in the next year in Shanghai."""
    new_year = _task(assigned_at=datetime(2025, 12, 31, 16, 30))
    old_year = _task(assigned_at=datetime(2025, 12, 31, 15, 30))
    chosen = rules.assigned_within([new_year, old_year], date(2026, 1, 1), date(2026, 12, 31))
    assert chosen == [new_year]


@pytest.mark.parametrize(
    ("status", "is_open", "is_finished", "awaits_rating"),
    [
        ("assigned", True, False, False),
        ("declined", True, False, False),
        ("in_progress", True, False, False),
        ("completed", True, True, True),
        ("closed", False, True, False),
    ],
)
def test_task_predicates_by_status(status, is_open, is_finished, awaits_rating):
    """Open until closed; finished once completed; rated only between completion and closing."""
    task = _task(status)
    assert (task.is_open, task.is_finished, task.awaits_rating) == (
        is_open,
        is_finished,
        awaits_rating,
    )


def test_only_members_rate_and_only_completed_tasks():
    """can_be_rated_by: a member, while the task is completed; not the unit or the convener."""
    completed = _task("completed")
    assert completed.can_be_rated_by({TaskRole.MEMBER})
    assert completed.can_be_rated_by({"member", "convener"})
    assert not completed.can_be_rated_by({TaskRole.UNIT, TaskRole.CONVENER})
    assert not completed.can_be_rated_by(set())
    assert not _task("closed").can_be_rated_by({TaskRole.MEMBER})
    assert not _task("in_progress").can_be_rated_by({TaskRole.MEMBER})


def test_resolution_predicates_and_public_tasks():
    """A draft is not published, its tasks are not public; a resolution answers its topics."""
    topic, other = Topic(title="路灯"), Topic(title="厕所")
    draft = Resolution(status="draft", topics=[topic])
    published = Resolution(status="published")
    assert draft.is_draft and not draft.is_published
    assert published.is_published and not published.is_draft
    assert draft.answers(topic) and not draft.answers(other)
    assert not _task(resolution=draft).is_public and _task(resolution=published).is_public
