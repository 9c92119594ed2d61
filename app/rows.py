"""One row per key, whoever comes first: the insert that a hundred simultaneous taps share.

``INSERT … ON CONFLICT (key) DO NOTHING RETURNING id`` on the engine in use (PostgreSQL or
SQLite): the table's UNIQUE constraint on the key decides, in one statement, without a
savepoint and without catching an error. A seat's ballot (``voting.casting``) and an owner's
(``owners.ballots``) are both written this way. No Flask here.
"""

from __future__ import annotations

import functools

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session


def insert_once(
    session: Session, table: sa.Table, values: dict, key: tuple[str, ...]
) -> int | None:
    """Insert ``values`` unless a row with the same ``key`` columns exists: the new id, or None."""
    dialect = session.get_bind().dialect.name
    statement = _statement(table, tuple(values), key, dialect == "postgresql")
    return session.execute(statement, values).scalar()


@functools.cache
def _statement(
    table: sa.Table, columns: tuple[str, ...], key: tuple[str, ...], postgresql_: bool
) -> sa.Insert:
    """The statement, built once per table and shape (building it costs more than running it)."""
    insert = postgresql.insert if postgresql_ else sqlite.insert
    return (
        insert(table)
        .values({name: sa.bindparam(name) for name in columns})
        .on_conflict_do_nothing(index_elements=list(key))
        .returning(table.c.id)
    )
