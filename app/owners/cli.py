"""``flask owners-close``: close every owners' decision whose voting window has ended (for cron)."""

import click
from flask.cli import with_appcontext

from app import audit, clock
from app.extensions import db
from app.owners import ballots


@click.command("owners-close")
@with_appcontext
def owners_close() -> None:
    """Close and count every decision whose window has ended; print one line per decision."""
    now = clock.now()
    for decision in ballots.due_decisions(db.session, now):
        if ballots.close_if_due(db.session, decision, now):
            audit.record("owner_decision.closed", decision, after={"passed": decision.passed})
            db.session.commit()
            outcome = "passed" if decision.passed else "not passed"
            click.echo(f"decision {decision.id} closed: {outcome}")
