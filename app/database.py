"""Database engine settings: SQLite must not say "database is locked" under a room of voters."""

import sqlalchemy as sa
from flask import Flask, current_app, g, has_request_context, request

from app.extensions import db


def init_app(app: Flask) -> None:
    """Tune SQLite connections (WAL, busy timeout, foreign keys, immediate write locks)."""
    with app.app_context():
        engine = db.engine
    if engine.dialect.name == "sqlite":
        _tune_sqlite(engine)


def _tune_sqlite(engine: sa.Engine) -> None:
    """Make SQLite safe for many concurrent short writers.

    WAL lets readers go on while one connection writes; the busy timeout makes a writer wait
    for the lock instead of failing. A request that may change state (any method but GET, HEAD
    and OPTIONS) starts its transaction with BEGIN IMMEDIATE: a deferred transaction that reads
    first and writes later fails at once with "database is locked" when another writer got in
    between (SQLite cannot wait in that case), whereas an immediate one takes the write lock up
    front and simply waits its turn. Reading pages never take the write lock.
    """

    @sa.event.listens_for(engine, "connect")
    def on_connect(dbapi_connection, _record):
        dbapi_connection.isolation_level = None  # we emit BEGIN ourselves
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @sa.event.listens_for(engine, "begin")
    def on_begin(connection):
        connection.exec_driver_sql("BEGIN IMMEDIATE" if _request_writes() else "BEGIN")


def writes(view):
    """Mark a GET view that changes the database (opening a personal link records its use).

    On SQLite it then takes the write lock up front like a POST does (see ``_tune_sqlite``):
    fifty members opening their links at the same moment wait their turn instead of failing.
    """
    view.writes_on_get = True
    return view


def start_writing() -> None:
    """Turn a reading request into a writing one from here on.

    For a page that finds, say, a vote due to close: the read transaction ends, and the next
    one takes SQLite's write lock up front (see ``_tune_sqlite``).
    """
    g.lianxi_writes = True
    db.session.rollback()


def _request_writes() -> bool:
    """Whether the current request may change state (not GET/HEAD/OPTIONS, or marked ``writes``)."""
    if not has_request_context():
        return False
    if request.method not in ("GET", "HEAD", "OPTIONS") or g.get("lianxi_writes"):
        return True
    view = current_app.view_functions.get(request.endpoint)
    return getattr(view, "writes_on_get", False)
