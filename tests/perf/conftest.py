"""Query counting for the performance guards: no timing, only how many statements a page runs."""

import contextlib

import pytest
import sqlalchemy as sa

from app.extensions import db

#: Transaction plumbing that every engine emits differently; what is counted is the work.
PLUMBING = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT", "PRAGMA")


@pytest.fixture
def queries(app):
    """Collect the SQL statements run inside a ``with`` block; yields the list of them."""

    @contextlib.contextmanager
    def collect():
        log: list[str] = []

        def record(conn, cursor, statement, *args):
            if not statement.lstrip().upper().startswith(PLUMBING):
                log.append(statement)

        with app.app_context():
            engine = db.engine
        sa.event.listen(engine, "before_cursor_execute", record)
        try:
            yield log
        finally:
            sa.event.remove(engine, "before_cursor_execute", record)

    return collect


@pytest.fixture
def dialect(app):
    """The database engine the suite runs on: "sqlite" or "postgresql"."""
    with app.app_context():
        return db.engine.dialect.name


def explain(log: list[str]) -> str:
    """The statements, one per line, for an assertion message."""
    return "\n".join(f"  {n}. {' '.join(s.split())[:160]}" for n, s in enumerate(log, 1))
