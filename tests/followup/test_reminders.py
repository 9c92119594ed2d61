"""Reminders, 催办 and 吹哨报到: the rules with frozen dates, and the cron command end to end."""

from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup import reminders
from app.followup.queries import work_calendar
from app.followup.workdays import PACKAGE_ONLY
from app.models import AgendaItem, AuditEvent, OutboxMessage, Task
from tests.factories import make_meeting
from tests.followup.helpers import make_task


def _task(deadline, status="in_progress"):
    task = Task(status=status, deadline=deadline, round=1)
    task.updates = []
    return task


def _kinds(task, today, **settings):
    return [n.kind for n in reminders.due_notices(task, today, PACKAGE_ONLY, **settings)]


def test_remind_on_the_working_day_before_and_on_the_day():
    """Due Thu 8 Oct 2026 (after 国庆): reminded from Wed 30 Sep, the working day before."""
    task = _task(date(2026, 10, 8))
    assert _kinds(task, date(2026, 9, 29)) == []
    assert _kinds(task, date(2026, 9, 30)) == ["remind"]
    assert _kinds(task, date(2026, 10, 8)) == ["remind"]
    assert _kinds(_task(date(2026, 10, 8), status="completed"), date(2026, 10, 8)) == []


def test_urge_after_the_deadline_and_escalate_after_n_working_days():
    """催办 from the first working day late; 吹哨报到 at 5 working days late.

    Due Fri 25 Sep 2026: 催办 from Mon 28 Sep (the weekend does not count); 国庆 postpones
    吹哨报到 from 2 Oct to Fri 9 Oct.
    """
    task = _task(date(2026, 9, 25))
    assert _kinds(task, date(2026, 9, 27)) == []  # Sunday: not a working day late yet
    assert _kinds(task, date(2026, 9, 28)) == ["urge"]
    assert _kinds(task, date(2026, 10, 7)) == ["urge"]  # 28, 29, 30 Sep = 3, then 国庆
    assert _kinds(task, date(2026, 10, 8)) == ["urge"]  # 4
    assert _kinds(task, date(2026, 10, 9)) == ["urge", "escalate"]  # 5
    assert _kinds(task, date(2026, 10, 10), escalate_workdays=6) == ["urge", "escalate"]  # 调休
    assert _kinds(task, date(2026, 10, 10), escalate_workdays=7) == ["urge"]


def test_each_notice_goes_out_once_per_deadline():
    """A notice on the timeline for this deadline is not repeated; a new deadline starts over."""
    task = _task(date(2026, 9, 25))
    for notice in reminders.due_notices(task, date(2026, 10, 12), PACKAGE_ONLY):
        reminders.record(notice, now=datetime(2026, 10, 12, 1, 0))
    assert _kinds(task, date(2026, 10, 13)) == []
    task.deadline = date(2026, 10, 13)  # an extension granted
    assert _kinds(task, date(2026, 10, 13)) == ["remind"]


def test_command_reminds_urges_and_puts_the_overdue_task_on_the_next_agenda(app, world):
    """`flask followup remind` leaves audited notices and proposes the overdue task.

    The escalation is an agenda item of the next meeting being drafted, naming the unit; a
    second run sends nothing.
    """
    due = make_task(
        world["resolution"], world["unit"], status="accepted", deadline=date(2026, 10, 12)
    )
    late = make_task(
        world["resolution"], world["unit"], status="in_progress", deadline=date(2026, 9, 25)
    )
    meeting = make_meeting(world["body"], status="draft", starts_at=datetime(2026, 10, 20, 6, 0))
    world["staff"].phone = "13899990003"
    db.session.commit()
    runner = app.test_cli_runner()
    with time_machine.travel("2026-10-12 08:00 +0800", tick=False):
        first = runner.invoke(args=["followup", "remind"])
        second = runner.invoke(args=["followup", "remind"])
    assert first.exit_code == 0, first.output
    assert f"task {due.id}: remind" in first.output
    assert f"task {late.id}: urge" in first.output and f"task {late.id}: escalate" in first.output
    assert "remind" not in second.output and "urge" not in second.output
    item = db.session.scalars(
        sa.select(AgendaItem).where(AgendaItem.meeting_id == meeting.id)
    ).one()
    assert world["unit"].name in item.title and "逾期7个工作日" in item.title
    actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
    assert actions == ["task.remind", "task.urge", "task.escalate"]
    db.session.refresh(late)
    assert [u.kind for u in late.updates] == ["urged", "escalated"]
    queued = db.session.scalars(sa.select(OutboxMessage.kind).order_by(OutboxMessage.id)).all()
    assert queued == ["remind", "urge"]  # for the unit's staff with a phone, once each


def test_command_waits_for_a_meeting_and_names_an_unknown_year(app, world):
    """Without a meeting being drafted the escalation waits; an unknown year is said on stderr."""
    task = make_task(
        world["resolution"], world["unit"], status="in_progress", deadline=date(2026, 9, 25)
    )
    runner = app.test_cli_runner()
    with time_machine.travel("2026-10-12 08:00 +0800", tick=False):
        result = runner.invoke(args=["followup", "remind"])
    assert result.exit_code == 0
    assert f"task {task.id}: no meeting being drafted yet" in result.output
    assert db.session.scalars(sa.select(AgendaItem)).all() == []
    with time_machine.travel("2027-01-12 08:00 +0800", tick=False):
        result = runner.invoke(args=["followup", "remind"])
    assert "the holidays of 2027 are not known" in result.output


def test_workdays_command_completes_a_year_for_the_calendar(app, ctx):
    """`flask workdays add-year 2027 --off … --on …` makes 2027 known; a stray date is refused."""
    runner = app.test_cli_runner()
    assert "NOT known" in runner.invoke(args=["workdays", "show", "2027"]).output
    bad = runner.invoke(args=["workdays", "add-year", "2027", "--off", "2028-01-01=元旦"])
    assert bad.exit_code == 2 and "not in 2027" in bad.output
    result = runner.invoke(
        args=["workdays", "add-year", "2027", "--off", "2027-01-01=元旦", "--on", "2027-02-07=调休"]
    )
    assert result.exit_code == 0, result.output
    shown = runner.invoke(args=["workdays", "show", "2027"]).output
    assert "2027: known" in shown and "2027-02-07 work 调休" in shown
    calendar = work_calendar(db.session)
    assert not calendar.is_workday(date(2027, 1, 1)) and calendar.is_workday(date(2027, 2, 7))
    assert db.session.scalars(sa.select(AuditEvent.action)).all() == ["workdays.year_added"]
