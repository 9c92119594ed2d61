"""Follow-up commands: ``flask followup remind`` (run by cron) and ``flask workdays``."""

from datetime import date

import click
import sqlalchemy as sa

from app import audit, clock
from app.extensions import db
from app.followup import calendar_table, queries, reminders
from app.followup.workdays import package_knows
from app.models import WorkCalendarDay, WorkCalendarYear
from app.notifications import outbox


@click.group("followup")
def followup() -> None:
    """Follow-up (督办) jobs."""


@followup.command("remind")
def remind() -> None:
    """Send today's reminders, 催办 and 吹哨报到 proposals (idempotent: cron may run it often).

    Prints one line per notice and exits 0; a year the calendar does not know is named on
    stderr (its tasks get no notice until the administrator adds the year).
    """
    calendar = queries.work_calendar(db.session)
    notices, unknown = reminders.all_due(queries.running_tasks(db.session), clock.today(), calendar)
    now = clock.now()
    for notice in notices:
        meeting = None
        if notice.kind == reminders.ESCALATE:
            meeting = queries.next_draft_meeting(db.session, notice.task.resolution.body_id, now)
            if meeting is None:
                click.echo(f"task {notice.task.id}: no meeting being drafted yet; will retry")
                continue
            position = queries.next_item_position(db.session, meeting.id)
            db.session.add(reminders.escalation_item(notice, meeting, position))
        reminders.record(notice, now=now, meeting=meeting)
        if notice.kind != reminders.ESCALATE:
            outbox.notify_unit(db.session, notice.task, notice.kind, now=now)
        audit.record(
            f"task.{notice.kind}",
            notice.task,
            after={"deadline": notice.task.deadline.isoformat(), "overdue": notice.overdue},
        )
        click.echo(f"task {notice.task.id}: {notice.kind} ({notice.task.unit.name})")
    db.session.commit()
    for year in unknown:
        click.echo(f"the holidays of {year} are not known: run 'flask workdays add-year'", err=True)


def _days(values: tuple[str, ...]) -> list[tuple[date, str]]:
    """Parse ``2027-01-01=元旦`` pairs; a bad one stops the command with its text."""
    parsed = []
    for value in values:
        day, _sep, name = value.partition("=")
        try:
            parsed.append((date.fromisoformat(day.strip()), name.strip()))
        except ValueError:
            raise click.BadParameter(f"not a date: {value!r} (write 2027-01-01=元旦)") from None
    return parsed


@click.group("workdays")
def workdays() -> None:
    """The working-day calendar the administrator completes (法定节假日 and 调休)."""


@workdays.command("add-year")
@click.argument("year", type=int)
@click.option("--off", multiple=True, help="a holiday: 2027-02-11=春节 (repeat)")
@click.option("--on", "on", multiple=True, help="a 调休 working day: 2027-02-07=春节调休")
@click.option("--note", default="", help="where the dates come from")
def add_year(year: int, off: tuple[str, ...], on: tuple[str, ...], note: str) -> None:
    """Declare YEAR known: Monday to Friday work, except the days given with --off / --on."""
    given_off, given_on = dict(_days(off)), dict(_days(on))
    stray = [d for d in [*given_off, *given_on] if d.year != year]
    if stray:
        raise click.BadParameter(f"{stray[0]} is not in {year}")
    if package_knows(year):
        click.echo(f"note: the package knows {year}; these days correct it", err=True)
    # Added to the days the table already has (a day given again takes its new kind), then
    # written through the same function as the administrator's calendar page.
    holidays, workdays = calendar_table.year_days(db.session, year)
    for day in given_on:
        holidays.pop(day, None)
    for day in given_off:
        workdays.pop(day, None)
    holidays.update(given_off)
    workdays.update(given_on)
    if both := calendar_table.both_ways(holidays, workdays):
        raise click.BadParameter(f"{both[0]} is given both as a holiday and as a working day")
    existing = db.session.get(WorkCalendarYear, year)
    facts = calendar_table.save_year(
        db.session,
        year,
        holidays,
        workdays,
        note or (existing.note if existing else "") or "",
        now=clock.now(),
    )
    audit.record("workdays.year_added", object_type="WorkCalendarYear", after=facts)
    db.session.commit()
    days = [*given_off, *given_on]
    click.echo(f"{year}: {len(days)} listed days")


@workdays.command("show")
@click.argument("year", type=int)
def show(year: int) -> None:
    """Say whether YEAR is known and list the administrator's days of it."""
    known = package_knows(year) or db.session.get(WorkCalendarYear, year) is not None
    click.echo(f"{year}: {'known' if known else 'NOT known'}")
    for row in db.session.scalars(
        sa.select(WorkCalendarDay)
        .where(WorkCalendarDay.day.between(date(year, 1, 1), date(year, 12, 31)))
        .order_by(WorkCalendarDay.day)
    ):
        click.echo(f"{row.day} {'work' if row.is_workday else 'off'} {row.name}")
