"""``flask notify deliver``: send what waits in the outbox (run by cron, e.g. every minute)."""

import click
from flask import current_app

from app import clock
from app.extensions import db
from app.notifications import outbox
from app.notifications.channels import channel_from_config


@click.group("notify")
def notify() -> None:
    """Notices beyond the app (SMS)."""


@notify.command("deliver")
@click.option("--limit", default=100, show_default=True, help="at most this many messages")
def deliver(limit: int) -> None:
    """Deliver the messages that are due; each outcome is committed at once.

    Without a configured channel nothing is sent: the command says how many wait and exits 0.
    """
    channel = channel_from_config(current_app.config)
    if channel is None:
        click.echo(f"no channel configured: {outbox.waiting(db.session)} messages wait")
        return
    sent = failed = 0
    for message in outbox.due(db.session, clock.now(), limit):
        if outbox.attempt(message, channel, clock.now()):
            sent += 1
        else:
            failed += 1
        db.session.commit()
    db.session.commit()
    click.echo(f"sent {sent}, failed {failed} (will retry or kept as failed)")
