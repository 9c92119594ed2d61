"""Commands that keep the record whole: ``flask audit verify``, ``flask export``, ``import``."""

import os
import tempfile
from contextlib import contextmanager
from pathlib import Path

import click
import sqlalchemy as sa
from flask.cli import with_appcontext

from app import audit as audit_log
from app import backup
from app.extensions import db
from app.models import AuditEvent

#: Exit status of ``flask import`` when it refuses a file or a database.
REFUSED = 2


@click.group("audit")
def audit() -> None:
    """The hash-chained audit log (审计记录)."""


def _head_option(_ctx, _param, values):
    try:
        return [audit_log.Head.parse(value) for value in values]
    except ValueError as error:
        raise click.BadParameter(str(error)) from error


@audit.command("verify")
@click.option(
    "--head",
    "heads",
    multiple=True,
    callback=_head_option,
    metavar="N:HASH",
    help="A head published earlier (board, open data, minutes): it must still be in the chain.",
)
@with_appcontext
def verify(heads) -> None:
    """Recompute the hash chain: exit 0 when it holds, 1 naming the first bad event.

    With ``--head N:HASH`` (repeatable) the N-th event must still have that hash: a chain that
    was cut short, or rewritten and re-hashed, fails although it recomputes.
    """
    holds, bad_id = audit_log.verify()
    if not holds:
        click.echo(
            f"audit log broken at event {bad_id}: that event was changed, "
            "or the event before it was changed or removed",
            err=True,
        )
        raise SystemExit(1)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEvent))
    for pinned in heads:
        if not audit_log.holds_head(pinned):
            click.echo(
                f"published head {pinned} is not in the audit log ({count} events): "
                "events were removed or rewritten since it was published",
                err=True,
            )
            raise SystemExit(1)
    click.echo(f"audit log intact: {count} events")
    for pinned in heads:
        click.echo(f"published head {pinned} is in the chain")
    last = db.session.execute(
        sa.select(AuditEvent.id, AuditEvent.hash).order_by(AuditEvent.seq.desc()).limit(1)
    ).first()
    if last:
        # The chain cannot show that its newest events were cut off; a copy of the newest hash
        # kept elsewhere (minutes, a notice) can: it must still appear in the log later.
        click.echo(f"newest event {last.id}, hash {last.hash}")
        click.echo(f"head to publish: {audit_log.head(db.session)}")


@click.command("export")
@click.argument("file", type=click.Path(dir_okay=False, writable=True, path_type=Path))
@with_appcontext
def export(file: Path) -> None:
    """Write every table to FILE as versioned JSON (a backup that any Lianxi can import)."""
    # Written beside FILE, then renamed over it: a crash never leaves half a backup behind.
    descriptor, partial = tempfile.mkstemp(dir=file.parent, prefix=f".{file.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as out:
            with _snapshot() as connection:
                counts = backup.write_export(connection, out)
        os.replace(partial, file)
    except BaseException:
        os.unlink(partial)
        raise
    click.echo(f"exported {sum(counts.values())} rows from {len(counts)} tables to {file}")


@click.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@with_appcontext
def import_(file: Path) -> None:
    """Restore FILE (from ``flask export``) into an empty database made by ``flask db upgrade``."""
    try:
        document = backup.read_export(file.read_text(encoding="utf-8"))
        with db.engine.begin() as connection:
            backup.check_target(connection, document)
            counts = backup.import_document(connection, document)
    except UnicodeDecodeError:
        _refuse("not a Lianxi export: the file is not UTF-8 text")
    except backup.ImportRefused as refusal:
        _refuse(str(refusal))
    except sa.exc.IntegrityError as error:
        _refuse(f"the file breaks a rule of the database, nothing imported: {error.orig}")
    click.echo(f"imported {sum(counts.values())} rows into {len(counts)} tables from {file}")


def _refuse(message: str) -> None:
    click.echo(f"import refused: {message}", err=True)
    raise SystemExit(REFUSED)


@contextmanager
def _snapshot():
    """A connection whose reads all see one moment, so the exported tables agree."""
    with db.engine.connect() as connection:
        if connection.dialect.name == "postgresql":
            connection.execution_options(isolation_level="REPEATABLE READ")
        with connection.begin():
            yield connection
