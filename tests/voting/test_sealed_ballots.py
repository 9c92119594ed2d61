"""Sealed secret ballots: the attacks of issue 15 replayed against the files and old row versions.

SQLite: the database file and its WAL are copied after every ballot's commit, each copy is opened
as the database stood then, and consecutive states are compared the way the attack did (the new
``ballots`` row names the seat; a counter that went up, or any new cell holding a choice, would
name the choice). PostgreSQL: every row version still on the heap pages (``pageinspect``), live
or dead, that the ballot's transaction wrote or replaced. Neither yields a link; what a ballot
writes besides its "has voted" row is a box of random-looking bytes of fixed length, which only
the motion's key opens — and the key is gone once the vote is counted.
"""

import os
import re
import shutil
import sqlite3
import stat
from datetime import datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import Ballot, Motion, SealedBallot, Seat
from app.voting import ballots, sealing
from tests.voting.helpers import add_motion, check_in, seats_of, sitting
from tests.voting.test_secrecy import _run

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

CHOICES = ["yes", "no", "abstain", "yes", "no", "no", "yes", "abstain"]
CHOICE_WORD = re.compile(r"\b(yes|no|abstain)\b")


def _sqlite_path():
    return db.engine.url.database


def _table_rows(connection) -> dict[str, dict]:
    """Every row of every table, by rowid."""
    tables = [
        name
        for (name,) in connection.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
    ]
    rows = {}
    for table in tables:
        cursor = connection.execute(f"SELECT rowid, * FROM {table}")
        columns = [d[0] for d in cursor.description]
        rows[table] = {row[0]: dict(zip(columns, row, strict=True)) for row in cursor}
    return rows


def _attack(before: dict, after: dict):
    """The attack of the issue on two consecutive states: (seat, inferred choice or None)."""
    new_ballots = [row for rid, row in after["ballots"].items() if rid not in before["ballots"]]
    assert len(new_ballots) == 1
    seat = new_ballots[0]["seat_id"]
    changed_tables = set()
    inferred = set()
    for table, rows in after.items():
        for rid, row in rows.items():
            old = before.get(table, {}).get(rid)
            if old == row:
                continue
            changed_tables.add(table)
            if table == "secret_counts" and (old is None or row["count"] > old["count"]):
                inferred.add(row["choice"])
            for value in row.values():
                if isinstance(value, str):
                    inferred.update(CHOICE_WORD.findall(value))
    return seat, inferred, changed_tables


@pytest.mark.skipif(
    os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="SQLite files"
)
def test_sqlite_file_and_wal_after_each_ballot_link_no_choice(app, ctx, client, login_as, tmp_path):
    """Every intermediate state of the SQLite file + WAL: 0 of 8 ballots linked to a choice."""
    path = _sqlite_path()
    snapshots = []

    def snapshot(seat_id, choice):
        target = tmp_path / f"state-{len(snapshots)}.sqlite3"
        shutil.copyfile(path, target)
        if os.path.exists(path + "-wal"):
            shutil.copyfile(path + "-wal", str(target) + "-wal")
        snapshots.append((target, seat_id, choice))

    boxes_before_close = []

    def keep_boxes(motion_id):
        boxes_before_close.extend(
            db.session.scalars(
                sa.select(SealedBallot.box).where(SealedBallot.motion_id == motion_id)
            )
        )
        # With the key, and only with it, the boxes open: the secret is in them and nowhere else.
        assert sorted(c for _, c in sealing.store().open_all(motion_id, boxes_before_close)) == (
            sorted(CHOICES)
        )
        snapshot(None, None)

    _run(client, login_as, CHOICES, after_each_ballot=snapshot, before_close=keep_boxes)
    states = []
    for target, seat_id, choice in snapshots:
        connection = sqlite3.connect(target)
        states.append((_table_rows(connection), seat_id, choice))
        connection.close()
    linked = 0
    previous = None
    for rows, seat_id, choice in states[: len(CHOICES)]:
        before = previous
        if before is None:
            # The first state also holds the set-up; compare with it minus this ballot.
            before = {t: dict(r) for t, r in rows.items()}
            before["ballots"] = {}
            before["sealed_ballots"] = {}
            before["audit_events"] = {
                rid: r for rid, r in rows["audit_events"].items() if r["action"] != "ballot.cast"
            }
        seat, inferred, changed = _attack(before, rows)
        assert seat == seat_id
        # (user_sessions: the test signs each member in just before their ballot)
        assert changed - {"user_sessions"} == {"ballots", "sealed_ballots", "audit_events"}
        assert not inferred, (seat, inferred)
        linked += choice in inferred
        new_boxes = [
            r["box"] for i, r in rows["sealed_ballots"].items() if i not in before["sealed_ballots"]
        ]
        assert [len(b) for b in new_boxes] == [sealing.BOX_LENGTH]
        previous = rows
    assert linked == 0
    # Once counted, the key is gone: the boxes copied from the files open for nobody.
    motion_id = db.session.scalar(sa.select(Motion.id))
    assert not sealing.store().exists(motion_id)
    with pytest.raises(sealing.SealingError):
        sealing.store().open_all(motion_id, boxes_before_close)


@pytest.mark.skipif(
    not os.environ.get("TEST_DATABASE_URL", "").startswith("postgresql"), reason="PostgreSQL"
)
def test_postgres_old_row_versions_link_no_choice(app, ctx, client, login_as):
    """Every row version a ballot's transaction wrote or replaced: only its own rows, no counter."""
    db.session.execute(sa.text("CREATE EXTENSION IF NOT EXISTS pageinspect"))
    tables = [t.name for t in db.metadata.sorted_tables]
    # Fresh heap files: the suite empties tables with DELETE between tests, which leaves the
    # earlier tests' dead row versions on the pages this test reads.
    db.session.execute(sa.text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
    db.session.commit()

    def versions():
        """(table, t_xmin, t_xmax) of every tuple on every heap page, live or dead."""
        rows = []
        for table in tables:
            rows += db.session.execute(
                sa.text(
                    "SELECT CAST(:t AS text), t_xmin::text, t_xmax::text FROM generate_series(0, "
                    "greatest(pg_relation_size(CAST(:t AS regclass)) "
                    "/ current_setting('block_size')::int - 1, -1)) b, "
                    "heap_page_items(get_raw_page(CAST(:t AS text), b::int)) "
                    "WHERE t_xmin IS NOT NULL"
                ),
                {"t": table},
            ).all()
        return rows

    def inspect(motion_id):
        xids = set(
            db.session.scalars(
                sa.text("SELECT xmin::text FROM ballots WHERE motion_id = :m"), {"m": motion_id}
            )
        )
        assert len(xids) == len(CHOICES)
        all_versions = versions()
        for table, xmin, xmax in all_versions:
            if xmin in xids:
                written.setdefault(xmin, set()).add(table)
            if xmax in xids:
                locked.setdefault(xmax, set()).add(table)
        counters = [row for row in all_versions if row[0] == "secret_counts"]
        counter_versions.extend(counters)

    written, locked, counter_versions = {}, {}, []
    _run(client, login_as, CHOICES, before_close=inspect)
    assert len(written) == len(CHOICES)
    for tables in written.values():
        # The attack matched dead secret_counts versions to the ballot's xid: there are none;
        # the ballot's transaction wrote its "has voted" row, its sealed box and its pending
        # audit event ("seat S voted on motion M", no choice), nothing else.
        assert tables == {"ballots", "sealed_ballots", "audit_pending"}, tables
    for tables in locked.values():
        # Foreign-key locks name the seat and voter, which the ballot row names anyway.
        assert tables <= {"seats", "users", "motions"}, tables
    # While the vote was open no counter was written at all: 9 versions, made at open.
    assert len(counter_versions) == 9 and len({xmin for _, xmin, _ in counter_versions}) == 1
    motion_id = db.session.scalar(sa.select(Motion.id))
    assert not sealing.store().exists(motion_id)


def test_key_file_is_private_while_open_and_gone_after_close(app, ctx, client, login_as):
    """The key is a 0600 file in a 0700 folder while the vote is open, destroyed by the close."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    check_in(meeting, [seat])
    motion = add_motion(meeting, item, kind="secret")
    login_as(convener)
    assert client.post(f"/motions/{motion.id}/open", data=CONFIRMED).status_code == 302
    store = sealing.store()
    key = store.path(motion.id)
    assert stat.S_IMODE(key.stat().st_mode) == 0o600
    assert stat.S_IMODE(key.parent.stat().st_mode) == 0o700
    login_as(seat.holder)
    client.post(
        f"/motions/{motion.id}/seats/{seat.id}/ballot", data={"choice": "no", "confirm": "1"}
    )
    login_as(convener)
    assert client.post(f"/motions/{motion.id}/close", data=CONFIRMED).status_code == 302
    assert not key.exists() and motion.id not in store.motion_ids()
    assert db.session.get(Motion, motion.id).frozen["votes"]["merchant"]["no"] == 1


def test_cancelling_a_secret_vote_destroys_its_key(app, ctx, client, login_as):
    """A cancelled secret vote is never counted: its key goes when the cancel commits."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, kind="secret")
    login_as(convener)
    client.post(f"/motions/{motion.id}/open", data=CONFIRMED)
    assert sealing.store().exists(motion.id)
    response = client.post(f"/motions/{motion.id}/cancel", data={"reason": "重新表决"})
    assert response.status_code == 302
    assert not sealing.store().exists(motion.id)


def test_a_box_slipped_in_behind_the_app_refuses_the_count(app, ctx):
    """An extra box (anyone can seal under the public key) no longer matches the ballots."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    check_in(meeting, [seat])
    motion = add_motion(meeting, item, kind="secret")
    ballots.open_motion(db.session, motion, datetime(2026, 12, 1, 9))
    ballots.cast(db.session, motion, seat, "no", seat.holder_id, datetime(2026, 12, 1, 9))
    box = sealing.store().seal(motion.id, seat.constituency_id, "yes")
    db.session.add(SealedBallot(motion_id=motion.id, box=box))
    db.session.flush()
    with pytest.raises(sealing.SealingError):
        ballots.freeze(db.session, motion, datetime(2026, 12, 1, 10), "zh")
    db.session.rollback()
    assert sealing.store().exists(motion.id)  # a refused count keeps the key: it can be retried
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0
    assert db.session.scalar(sa.select(sa.func.count(Seat.id))) > 0
