"""Export every table to one versioned JSON file, and restore it into an empty database.

The file is the same on SQLite and PostgreSQL, so it also moves a site from one to the other.
It lists every table of the schema (``db.metadata``: a table added later is included without
touching this module), rows in primary-key order, one row per line, so that exporting the same
data twice gives the same bytes and two backups can be compared with ``diff``.

A value is written as JSON when it is one (numbers, text, booleans, JSON columns); dates and
times as ISO 8601 text, decimals as text, binary as base64. Reading a file back, each column's
type says how to turn the text into a value again.
"""

import base64
import json
from datetime import date, datetime, time
from decimal import Decimal
from typing import IO

import sqlalchemy as sa
from alembic.migration import MigrationContext

from app.extensions import db

FORMAT = "lianxi-export"
VERSION = 1


class ImportRefused(Exception):
    """The file or the target database is not one ``flask import`` may touch; says why."""


def schema_revision(connection: sa.Connection) -> str | None:
    """The Alembic revision the database is at (None before ``flask db upgrade``)."""
    return MigrationContext.configure(connection).get_current_revision()


def _encode(value):
    if isinstance(value, datetime | date | time):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, bytes):
        return base64.b64encode(value).decode()
    return value


def _decode(column: sa.Column, value):
    if value is None or isinstance(column.type, sa.JSON):
        return value
    if isinstance(column.type, sa.DateTime):
        return datetime.fromisoformat(value)
    if isinstance(column.type, sa.Date):
        return date.fromisoformat(value)
    if isinstance(column.type, sa.Time):
        return time.fromisoformat(value)
    if isinstance(column.type, sa.Numeric) and not isinstance(column.type, sa.Float):
        return Decimal(value)
    if isinstance(column.type, sa.LargeBinary):
        return base64.b64decode(value)
    return value


def _dumps(value) -> str:
    return json.dumps(value, ensure_ascii=False)


def write_export(connection: sa.Connection, out: IO[str]) -> dict[str, int]:
    """Write every table to ``out``; return the number of rows per table.

    Run it inside one transaction (PostgreSQL: REPEATABLE READ) so the tables agree.
    """
    counts = {}
    out.write("{\n")
    out.write(f'"format": {_dumps(FORMAT)},\n"version": {VERSION},\n')
    out.write(f'"alembic_revision": {_dumps(schema_revision(connection))},\n')
    out.write('"tables": {')
    for number, table in enumerate(db.metadata.sorted_tables):
        out.write(",\n" if number else "\n")
        out.write(f"{_dumps(table.name)}: [")
        rows = connection.execute(sa.select(table).order_by(*table.primary_key.columns))
        counts[table.name] = 0
        for row in rows.mappings():
            out.write(",\n" if counts[table.name] else "\n")
            out.write(_dumps({key: _encode(value) for key, value in row.items()}))
            counts[table.name] += 1
        out.write("\n]" if counts[table.name] else "]")
    out.write("\n}\n}\n")
    return counts


def read_export(text: str) -> dict:
    """Parse and check an export file: format, version and known tables and columns."""
    try:
        document = json.loads(text)
    except ValueError as error:
        raise ImportRefused(f"not a Lianxi export: the file is not valid JSON ({error})") from None
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise ImportRefused(f'not a Lianxi export: "format" is not "{FORMAT}"')
    if document.get("version") != VERSION:
        raise ImportRefused(
            f"export format version {document.get('version')!r} is not supported "
            f"(this Lianxi reads version {VERSION})"
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise ImportRefused('not a Lianxi export: "tables" is missing')
    for name, rows in tables.items():
        table = db.metadata.tables.get(name)
        if table is None:
            raise ImportRefused(f"the file has a table this Lianxi does not know: {name}")
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise ImportRefused(f"table {name} in the file is not a list of rows")
        columns = set(table.columns.keys())
        for row in rows:
            if set(row) != columns:
                raise ImportRefused(
                    f"table {name} in the file has a row whose columns are not the table's: "
                    f"unknown {sorted(set(row) - columns)}, missing {sorted(columns - set(row))}"
                )
    return document


def check_target(connection: sa.Connection, document: dict) -> None:
    """Refuse a database without the schema, at another revision, or holding any row."""
    revision = schema_revision(connection)
    if revision is None:
        raise ImportRefused("the database has no tables yet: run `flask db upgrade` first")
    if revision != document.get("alembic_revision"):
        raise ImportRefused(
            f"the file was exported at schema revision {document.get('alembic_revision')}, "
            f"the database is at {revision}: recreate it with `flask db upgrade "
            f"{document.get('alembic_revision')}`, import, then `flask db upgrade`"
        )
    for table in db.metadata.sorted_tables:
        rows = connection.scalar(sa.select(sa.func.count()).select_from(table))
        if rows:
            raise ImportRefused(
                f"the database is not empty (table {table.name} has {rows} rows): "
                "import only into a new database made by `flask db upgrade`"
            )


def _deferred_columns(table: sa.Table) -> list[str]:
    """Nullable foreign keys of a cycle between tables (``use_alter``: a meeting's current item).

    Whichever table comes first points at rows not inserted yet: these columns are inserted
    empty and filled in once every row exists.
    """
    return [
        column
        for constraint in table.foreign_key_constraints
        if constraint.use_alter and constraint.referred_table is not table
        for column in constraint.column_keys
        if table.columns[column].nullable
    ]


def _referenced_first(table: sa.Table, rows: list[dict]) -> list[dict]:
    """Order rows so that a row pointing at another row of its own table comes after it.

    A topic merged into a later topic keeps its ``merged_into_id`` when inserted (a CHECK says a
    merged topic has one), so the later topic goes in first.
    """
    keys = [column.name for column in table.primary_key.columns]
    pointers = [
        constraint.column_keys[0]
        for constraint in table.foreign_key_constraints
        if constraint.referred_table is table and len(constraint.column_keys) == 1
    ]
    if not pointers or len(keys) != 1:
        return rows
    key = keys[0]
    by_id = {row[key]: row for row in rows}
    ordered, placed = [], set()

    def place(row: dict, path: frozenset) -> None:
        if row[key] in placed:
            return
        if row[key] in path:
            raise ImportRefused(f"table {table.name} in the file has rows pointing in a circle")
        for pointer in pointers:
            if row[pointer] in by_id and row[pointer] != row[key]:
                place(by_id[row[pointer]], path | {row[key]})
        placed.add(row[key])
        ordered.append(row)

    for row in rows:
        place(row, frozenset())
    return ordered


def import_document(connection: sa.Connection, document: dict) -> dict[str, int]:
    """Insert every row of a checked export; return the number of rows per table."""
    tables = document["tables"]
    counts, later = {}, []
    for table in db.metadata.sorted_tables:
        try:
            rows = [
                {key: _decode(table.columns[key], value) for key, value in row.items()}
                for row in tables.get(table.name, [])
            ]
        except (TypeError, ValueError) as error:
            raise ImportRefused(
                f"table {table.name} in the file has a bad value: {error}"
            ) from None
        counts[table.name] = len(rows)
        if not rows:
            continue
        deferred = _deferred_columns(table)
        if deferred:
            later.append((table, deferred, rows))
            rows = [{**row, **dict.fromkeys(deferred)} for row in rows]
        connection.execute(table.insert(), _referenced_first(table, rows))
    for table, deferred, rows in later:
        _fill_in(connection, table, deferred, rows)
    if connection.dialect.name == "postgresql":
        _reset_sequences(connection)
    return counts


def _fill_in(connection: sa.Connection, table: sa.Table, deferred: list[str], rows) -> None:
    keys = [column.name for column in table.primary_key.columns]
    condition = sa.and_(*(table.columns[key] == sa.bindparam(f"pk_{key}") for key in keys))
    for column in deferred:
        updates = [
            {column: row[column], **{f"pk_{key}": row[key] for key in keys}}
            for row in rows
            if row.get(column) is not None
        ]
        if updates:
            connection.execute(table.update().where(condition), updates)


def _reset_sequences(connection: sa.Connection) -> None:
    """Move each id sequence past the largest id restored, so new rows get fresh ids."""
    for table in db.metadata.sorted_tables:
        columns = list(table.primary_key.columns)
        if len(columns) != 1 or not isinstance(columns[0].type, sa.Integer):
            continue
        sequence = connection.scalar(
            sa.select(sa.func.pg_get_serial_sequence(table.name, columns[0].name))
        )
        if sequence:
            largest = connection.scalar(sa.select(sa.func.max(columns[0])))
            connection.execute(
                sa.select(sa.func.setval(sequence, largest or 1, largest is not None))
            )
