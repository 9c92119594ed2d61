"""``make bench``: can a room of 2,000 phones vote on two cores? Measure it, end to end.

1. Create the PostgreSQL database ``lianxi_bench`` afresh, migrate it, and load in bulk a body
   of 2,000 seats (all checked in, an open roll-call motion) and a public board of 100,000
   resolutions and 300,000 tasks (bench/data.py).
2. Start gunicorn (workers = 2 × cores) on 127.0.0.1:5199 with ``bench.app:create_bench_app()``.
3. From a second process (bench/loadgen.py) measure: the bare route and the bare-INSERT route,
   the ballot burst (2,000 seats, one ballot each, 64 connections, sessions and CSRF tokens
   prepared before the clock), the owners' burst (2,000 owners of a compound, each with their
   own voting code, one confirmed ballot each, same figures and targets), the progress
   fragment answered 304, the public board, and the weight of the ballot page.
4. Count the ballots in the database, print a table and write bench/results.json.

Set BENCH_DATABASE_URL to use another server (the database name in it is dropped and made
again); BENCH_WORKER_CLASS=gthread to compare gunicorn's threaded workers.
"""

from __future__ import annotations

import json
import os
import platform
import signal
import subprocess
import sys
import tempfile
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench import data  # noqa: E402

DATABASE_URL = os.environ.get(
    "BENCH_DATABASE_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/lianxi_bench"
)
HOST, PORT = "127.0.0.1", int(os.environ.get("BENCH_PORT", "5199"))
CORES = os.cpu_count() or 1
WORKERS = int(os.environ.get("BENCH_WORKERS", 2 * CORES))
WORKER_CLASS = os.environ.get("BENCH_WORKER_CLASS", "sync")
#: BENCH_SKIP_OWNERS=1 leaves out the owners' burst (issue 16) to save minutes on a busy machine.
SKIP_OWNERS = os.environ.get("BENCH_SKIP_OWNERS") == "1"
BURST_CONNECTIONS = 64
RESOLUTIONS, TASKS_EACH = 100_000, 3
SMALL_RESOLUTIONS = 30
SECRET_KEY = "bench-" + os.urandom(16).hex()

#: The routes under test (app/voting and app/board); {motion} and {meeting} are filled in.
BALLOT_PAGE = "/meetings/{meeting}/vote"
BALLOT_POST = "/motions/{motion}/seats/{seat}/ballot"
OWNER_BALLOT = "/o/{code}/d/{decision}"
PROGRESS = "/motions/{motion}/progress"
CHANGES = "/meetings/{meeting}/vote/changes?shown={motion}"
PANEL = "/meetings/{meeting}/vote-panel"
#: The intervals the pages poll at (templates: ballot_changes 5 s, progress and panel 2 s).
CHANGES_EVERY, PROGRESS_EVERY, PANEL_EVERY = 5.0, 2.0, 2.0
ROOM_WARMUP, ROOM_COOLDOWN = 7.0, 3.0
BOARD_PAGES = {"first": "/", "filtered": "/board/resolutions?year=2025&status=overdue"}

TARGETS = {
    "burst_p99_ms": 250,
    "burst_vs_insert": 0.5,
    "burst_seconds": 5,
    "fragment_vs_bare": 0.6,
    "board_p95_ms": 50,
    "page_bytes": 40 * 1024,
    "room_ballot_p99_ms": 1000,
}


def say(message: str) -> None:
    """Print a progress line at once."""
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", flush=True)


# --- machine and database --------------------------------------------------------------------


def machine(engine: sa.Engine) -> dict:
    """Cores, memory, CPU model, kernel, Python and PostgreSQL versions of this run."""
    cpu = "unknown"
    memory_gb = 0.0
    try:
        cpu = next(
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        )
        kb = int(Path("/proc/meminfo").read_text().split()[1])
        memory_gb = round(kb / 1024 / 1024, 1)
    except (OSError, StopIteration, ValueError, IndexError):
        pass
    with engine.connect() as connection:
        postgres = connection.scalar(sa.text("SHOW server_version"))
    return {
        "cores": CORES,
        "memory_gb": memory_gb,
        "cpu": cpu,
        "kernel": f"{platform.system()} {platform.release()}",
        "python": platform.python_version(),
        "postgresql": postgres,
    }


def recreate_database(url: str) -> None:
    """Drop and create the benchmark database through the ``postgres`` maintenance database."""
    target = sa.make_url(url)
    admin = sa.create_engine(target.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        name = target.database
        connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()


def make_app():
    """Lianxi in this process, on the benchmark database (to migrate, load and count queries)."""
    from app import create_app
    from app.config import engine_options

    return create_app(
        {
            "SQLALCHEMY_DATABASE_URI": DATABASE_URL,
            "SQLALCHEMY_ENGINE_OPTIONS": engine_options(DATABASE_URL),
            "SECRET_KEY": SECRET_KEY,
            "SERVER_NAME": f"{HOST}:{PORT}",
        }
    )


def count_queries(app, path: str) -> tuple[int, int]:
    """(status, SQL statements) of one GET of ``path`` through the test client."""
    from app.extensions import db

    statements = []

    def record(conn, cursor, statement, *args):
        statements.append(statement)

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", record)
    try:
        status = app.test_client().get(path).status_code
    finally:
        sa.event.remove(engine, "before_cursor_execute", record)
    return status, len(statements)


def open_room(app, room: data.Room) -> None:
    """Cancel the burst's vote and open the room scenario's."""
    from app.extensions import db

    with app.app_context():
        data.open_room_motion(db.session, room)


def board_query_counts(app) -> dict[str, tuple[int, int]]:
    """Status and query count of every board page."""
    return {name: count_queries(app, path) for name, path in BOARD_PAGES.items()}


def load(app) -> tuple[data.Room, data.Compound, dict]:
    """Load the room and the board; count board queries at a small and at the full size."""
    from flask_migrate import upgrade

    from app.extensions import db

    with app.app_context():
        upgrade(directory=str(ROOT / "migrations"))
        started = time.perf_counter()
        room = data.load_room(db.session)
        data.load_board_owners(db.session)
        small = data.load_board(db.session, SMALL_RESOLUTIONS, TASKS_EACH)
        db.session.commit()
    small_counts = board_query_counts(app)
    with app.app_context():
        resolutions, tasks = data.load_board(db.session, RESOLUTIONS, TASKS_EACH)
        # After the board: loading it truncates resolutions, and decisions refer to them.
        compound = data.load_compound(db.session)
        db.session.execute(
            sa.text("CREATE TABLE bench_insert (id bigserial PRIMARY KEY, at timestamp)")
        )
        db.session.commit()
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
        seconds = time.perf_counter() - started
    full_counts = board_query_counts(app)
    say(f"data loaded in {seconds:.1f} s: {resolutions} resolutions, {tasks} tasks")
    return (
        room,
        compound,
        {
            "load_seconds": round(seconds, 1),
            "resolutions": resolutions,
            "tasks": tasks,
            "small": {"resolutions": small[0], "tasks": small[1], "pages": small_counts},
            "full": {"pages": full_counts},
        },
    )


# --- server and load generator ---------------------------------------------------------------


@contextmanager
def gunicorn(log_path: Path):
    """Run gunicorn on the benchmark database for the duration of the block, then stop it."""
    env = {
        **os.environ,
        "DATABASE_URL": DATABASE_URL,
        "SECRET_KEY": SECRET_KEY,
        "PYTHONPATH": str(ROOT),
    }
    command = [
        str(Path(sys.executable).parent / "gunicorn"),
        "--bind",
        f"{HOST}:{PORT}",
        "--workers",
        str(WORKERS),
        "--worker-class",
        WORKER_CLASS,
        "--backlog",
        "2048",
        "--log-level",
        "warning",
    ]
    if WORKER_CLASS == "gthread":
        command += ["--threads", "4"]
    command.append("bench.app:create_bench_app()")
    with log_path.open("w") as log:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=log, stderr=log)
    try:
        wait_until_up(process, log_path)
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_up(process: subprocess.Popen, log_path: Path) -> None:
    """Wait for the bare route to answer; fail with gunicorn's log if it never does."""
    deadline = time.monotonic() + 120  # four workers importing the app on a busy machine
    while time.monotonic() < deadline:
        if process.poll() is not None:
            break
        try:
            with urllib.request.urlopen(f"http://{HOST}:{PORT}/bench/bare", timeout=2) as reply:
                if reply.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("gunicorn did not start:\n" + log_path.read_text()[-3000:])


def loadgen(spec: dict) -> dict:
    """Run bench/loadgen.py in its own process with ``spec``; return its JSON result."""
    spec = {"host": HOST, "port": PORT, **spec}
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump(spec, handle)
    try:
        done = subprocess.run(
            [sys.executable, str(ROOT / "bench" / "loadgen.py"), handle.name],
            capture_output=True,
            text=True,
            check=False,
        )
    finally:
        os.unlink(handle.name)
    if done.returncode != 0:
        raise RuntimeError(f"loadgen failed ({spec['mode']}):\n{done.stderr[-3000:]}")
    return json.loads(done.stdout)


def ballot_requests(room: data.Room, sessions: list[dict], motion_id: int) -> list[dict]:
    """One ballot per seat, as htmx on a phone sends it: its own session cookie and CSRF token.

    It is the second, confirming tap ("确认：赞成"): the one that records the ballot.
    """
    choices = ("yes", "yes", "yes", "no", "abstain")
    return [
        {
            "method": "POST",
            "path": BALLOT_POST.format(motion=motion_id, seat=seat_id),
            "headers": {
                "Cookie": session["cookie"],
                "X-CSRFToken": session["csrf"],
                "HX-Request": "true",
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": urlencode(
                {"csrf_token": session["csrf"], "choice": choices[n % 5], "confirm": "1"}
            ),
        }
        for n, (session, seat_id) in enumerate(zip(sessions, room.seat_ids, strict=True))
    ]


def owner_requests(compound: data.Compound, sessions: list[dict]) -> list[dict]:
    """One confirmed ballot per owner, as a phone without JavaScript posts the form."""
    choices = ("yes", "yes", "yes", "no", "abstain")
    return [
        {
            "method": "POST",
            "path": OWNER_BALLOT.format(code=code, decision=compound.decision_id),
            "headers": {
                "Cookie": session["cookie"],
                "Content-Type": "application/x-www-form-urlencoded",
            },
            "body": urlencode(
                {"csrf_token": session["csrf"], "choice": choices[n % 5], "confirm": "1"}
            ),
        }
        for n, (session, code) in enumerate(zip(sessions, compound.codes, strict=True))
    ]


def count_owner_ballots(engine: sa.Engine, decision_id: int) -> tuple[int, int]:
    """(ballots, duplicates) of the owners' decision in the database."""
    with engine.connect() as connection:
        total, distinct = connection.execute(
            sa.text(
                "SELECT count(*), count(DISTINCT owner_id) FROM owner_ballots "
                "WHERE decision_id = :d"
            ),
            {"d": decision_id},
        ).one()
    return total, total - distinct


def count_ballots(engine: sa.Engine, motion_id: int) -> tuple[int, int]:
    """(ballots, duplicates) of the motion in the database."""
    with engine.connect() as connection:
        total, distinct = connection.execute(
            sa.text("SELECT count(*), count(DISTINCT seat_id) FROM ballots WHERE motion_id = :m"),
            {"m": motion_id},
        ).one()
    return total, total - distinct


# --- the run ---------------------------------------------------------------------------------


def measure(room: data.Room, compound: data.Compound, engine: sa.Engine, open_room) -> dict:
    """Every measurement against the running server."""
    results: dict = {}
    loadgen({"mode": "fire", "request": {"path": "/bench/bare"}, "repeat": 200, "connections": 8})

    say("baseline: bare route and bare INSERT (64 connections)")
    bare = loadgen(
        {
            "mode": "fire",
            "request": {"path": "/bench/bare"},
            "repeat": 2000,
            "connections": BURST_CONNECTIONS,
        }
    )
    insert = loadgen(
        {
            "mode": "fire",
            "request": {"path": "/bench/insert"},
            "repeat": 1000,
            "connections": BURST_CONNECTIONS,
        }
    )
    results["baseline"] = {
        "bare_rps": bare["rps"],
        "insert_rps": insert["rps"],
        "bare": bare,
        "insert": insert,
    }

    say(f"preparing {len(room.member_tokens)} signed-in sessions (off the clock)")
    page = BALLOT_PAGE.format(motion=room.motion_id, meeting=room.meeting_id)
    prepared = loadgen(
        {"mode": "prepare", "tokens": room.member_tokens, "page": page, "connections": 16}
    )
    if prepared["failed"]:
        raise RuntimeError(f"{prepared['failed']} sessions failed: {prepared['failures']}")
    sessions = prepared["sessions"]

    say("ballot burst: 2,000 seats, one ballot each, 64 connections")
    burst = loadgen(
        {
            "mode": "fire",
            "requests": ballot_requests(room, sessions, room.motion_id),
            "connections": BURST_CONNECTIONS,
            "expect": [200, 303],
        }
    )
    ballots, duplicates = count_ballots(engine, room.motion_id)
    results["ballot_burst"] = {
        "seats": len(sessions),
        "ballots_in_db": ballots,
        "duplicates": duplicates,
        "errors": burst["errors"],
        "seconds": burst["seconds"],
        "rps": burst["rps"],
        "p50_ms": burst["p50_ms"],
        "p95_ms": burst["p95_ms"],
        "p99_ms": burst["p99_ms"],
        "max_ms": burst["max_ms"],
        "statuses": burst["statuses"],
        "connections": BURST_CONNECTIONS,
        "prepare_seconds": prepared["seconds"],
    }

    say(
        f"ballot burst: {burst['rps']} ballots/s in {burst['seconds']} s, p50/p95/p99 "
        f"{burst['p50_ms']}/{burst['p95_ms']}/{burst['p99_ms']} ms, errors {burst['errors']}, "
        f"{ballots} in the database; bare {bare['rps']}/s, bare INSERT {insert['rps']}/s"
    )
    if SKIP_OWNERS:
        say("owners' burst skipped (BENCH_SKIP_OWNERS)")
    else:
        results["owners_burst"] = owners_burst(compound, engine)
    return measure_live(room, sessions, engine, open_room, results)


def owners_burst(compound: data.Compound, engine: sa.Engine) -> dict:
    """The owners' burst: 2,000 owners, each with their own voting code, one ballot each."""
    say(f"preparing {len(compound.codes)} owners' ballot pages (off the clock)")
    owners = loadgen(
        {
            "mode": "prepare",
            "tokens": compound.codes,
            "page": OWNER_BALLOT.format(code="{token}", decision=compound.decision_id),
            "sign_in": False,
            "connections": 16,
        }
    )
    if owners["failed"]:
        raise RuntimeError(f"{owners['failed']} owners' pages failed: {owners['failures']}")
    say("owners' burst: 2,000 owners, one confirmed ballot each, 64 connections")
    owner_burst = loadgen(
        {
            "mode": "fire",
            "requests": owner_requests(compound, owners["sessions"]),
            "connections": BURST_CONNECTIONS,
            "expect": [302],
        }
    )
    cast, duplicates = count_owner_ballots(engine, compound.decision_id)
    return {
        "owners": len(owners["sessions"]),
        "ballots_in_db": cast,
        "duplicates": duplicates,
        **{
            key: owner_burst[key]
            for key in ("errors", "seconds", "rps", "p50_ms", "p95_ms", "p99_ms", "max_ms")
        },
        "statuses": owner_burst["statuses"],
        "connections": BURST_CONNECTIONS,
        "prepare_seconds": owners["seconds"],
    }


def measure_live(room, sessions, engine, open_room, results: dict) -> dict:
    """The polled fragments, the board, the page weight and the room scenario."""
    page = BALLOT_PAGE.format(motion=room.motion_id, meeting=room.meeting_id)
    bare_rps = results["baseline"]["bare_rps"]
    say("live fragment: progress with a matching ETag (304)")
    convener = loadgen(
        {
            "mode": "prepare",
            "tokens": [room.convener_token],
            "page": PROGRESS.format(motion=room.motion_id),
            "csrf": False,
            "connections": 1,
        }
    )
    if convener["failed"]:
        raise RuntimeError(f"the convener could not sign in: {convener['failures']}")
    cookie = convener["sessions"][0]["cookie"]
    fragment_path = PROGRESS.format(motion=room.motion_id)
    first = loadgen(
        {
            "mode": "fire",
            "keep": True,
            "connections": 1,
            "requests": [
                {"path": fragment_path, "headers": {"Cookie": cookie, "HX-Request": "true"}}
            ],
        }
    )
    etag = dict(first["responses"][0]["headers"]).get("etag", "")
    fragment = loadgen(
        {
            "mode": "fire",
            "repeat": 1000,
            "connections": BURST_CONNECTIONS,
            "expect": [304],
            "request": {
                "path": fragment_path,
                "headers": {"Cookie": cookie, "HX-Request": "true", "If-None-Match": etag},
            },
        }
    )
    results["fragment_304_rps"] = fragment["rps"]
    say(f"progress 304: {fragment['rps']}/s (bare {bare_rps}/s), errors {fragment['errors']}")
    results["fragment"] = {**fragment, "etag": etag, "first_status": first["statuses"]}

    say("public board: first page and a filtered page (4 connections)")
    board = {}
    for name, path in BOARD_PAGES.items():
        board[name] = loadgen(
            {"mode": "fire", "request": {"path": path}, "repeat": 200, "connections": WORKERS}
        )
    results["board_runs"] = board
    say("board p95: " + ", ".join(f"{k} {v['p95_ms']} ms" for k, v in board.items()))

    say("page weight of the ballot page with htmx and CSS")
    results["weight"] = loadgen({"mode": "weight", "page": page, "cookie": sessions[0]["cookie"]})

    say("room: the next vote opens (off the clock)")
    open_room(room)
    changes_path = CHANGES.format(meeting=room.meeting_id, motion=room.room_motion_id)
    member = {"Cookie": sessions[0]["cookie"], "HX-Request": "true"}
    first = loadgen(
        {
            "mode": "fire",
            "keep": True,
            "connections": 1,
            "requests": [{"path": changes_path, "headers": member}],
        }
    )
    etag = dict(first["responses"][0]["headers"]).get("etag", "")
    say("change check with a matching ETag (304), one query each")
    changes = loadgen(
        {
            "mode": "fire",
            "repeat": 1000,
            "connections": BURST_CONNECTIONS,
            "expect": [304],
            "request": {"path": changes_path, "headers": {**member, "If-None-Match": etag}},
        }
    )
    results["changes_304_rps"] = changes["rps"]
    say(f"change check 304: {changes['rps']}/s (bare {bare_rps}/s), errors {changes['errors']}")
    results["changes"] = {**changes, "etag": etag, "first_status": first["statuses"]}

    say(
        f"room: {len(sessions)} phones polling every {CHANGES_EVERY:.0f} s, convener and "
        f"projector every {PROGRESS_EVERY:.0f} s, then the {len(sessions)}-ballot burst on top"
    )
    pollers = [
        {
            "kind": "phones",
            "interval": CHANGES_EVERY,
            "requests": [
                {"path": changes_path, "headers": {"Cookie": s["cookie"], "HX-Request": "true"}}
                for s in sessions
            ],
        },
        {
            "kind": "convener",
            "interval": PROGRESS_EVERY,
            "requests": [
                {
                    "path": PROGRESS.format(motion=room.room_motion_id),
                    "headers": {"Cookie": cookie, "HX-Request": "true"},
                }
            ],
        },
        {
            "kind": "projector",
            "interval": PANEL_EVERY,
            "requests": [
                {"path": PANEL.format(meeting=room.meeting_id), "headers": {"HX-Request": "true"}}
            ],
        },
    ]
    scenario = loadgen(
        {
            "mode": "room",
            "pollers": pollers,
            "ballots": ballot_requests(room, sessions, room.room_motion_id),
            "connections": BURST_CONNECTIONS,
            "expect": [200, 303],
            "warmup": ROOM_WARMUP,
            "cooldown": ROOM_COOLDOWN,
        }
    )
    in_db, duplicates = count_ballots(engine, room.room_motion_id)
    results["room_run"] = {**scenario, "ballots_in_db": in_db, "duplicates": duplicates}
    return results


def verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    """(measure, figure, target, met) rows of the summary table."""
    burst, base = results["ballot_burst"], results["baseline"]
    vs_insert = burst["rps"] / base["insert_rps"] if base["insert_rps"] else 0
    vs_bare = burst["rps"] / base["bare_rps"] if base["bare_rps"] else 0
    fragment = results["fragment_304_rps"] / base["bare_rps"] if base["bare_rps"] else 0
    changes = results["changes_304_rps"] / base["bare_rps"] if base["bare_rps"] else 0
    board = results["board"]
    return [
        ("ballot burst errors", str(burst["errors"]), "0", burst["errors"] == 0),
        (
            "ballots in database",
            f"{burst['ballots_in_db']} (dup {burst['duplicates']})",
            f"{burst['seats']}, 0 dup",
            burst["ballots_in_db"] == burst["seats"] and burst["duplicates"] == 0,
        ),
        (
            "burst duration",
            f"{burst['seconds']:.2f} s",
            f"< {TARGETS['burst_seconds']} s",
            burst["seconds"] < TARGETS["burst_seconds"],
        ),
        ("burst throughput", f"{burst['rps']:.0f} req/s", "", True),
        (
            "burst p50 / p95 / p99",
            f"{burst['p50_ms']} / {burst['p95_ms']} / {burst['p99_ms']} ms",
            f"p99 ≤ {TARGETS['burst_p99_ms']} ms",
            burst["p99_ms"] <= TARGETS["burst_p99_ms"],
        ),
        ("bare route (client ceiling)", f"{base['bare_rps']:.0f} req/s", "", True),
        ("bare INSERT route", f"{base['insert_rps']:.0f} req/s", "", True),
        (
            "burst / bare INSERT",
            f"{vs_insert:.0%}",
            f"≥ {TARGETS['burst_vs_insert']:.0%}",
            vs_insert >= TARGETS["burst_vs_insert"],
        ),
        ("burst / bare", f"{vs_bare:.0%}", "", True),
        *(owner_verdicts(results["owners_burst"], base) if "owners_burst" in results else []),
        (
            "progress 304 / bare",
            f"{results['fragment_304_rps']:.0f} req/s = {fragment:.0%}",
            f"≥ {TARGETS['fragment_vs_bare']:.0%}",
            fragment >= TARGETS["fragment_vs_bare"] and results["fragment"]["errors"] == 0,
        ),
        (
            "change check 304 / bare",
            f"{results['changes_304_rps']:.0f} req/s = {changes:.0%}",
            f"≥ {TARGETS['fragment_vs_bare']:.0%}",
            changes >= TARGETS["fragment_vs_bare"] and results["changes"]["errors"] == 0,
        ),
        (
            "board p95 (first / filtered)",
            " / ".join(f"{run['p95_ms']} ms" for run in results["board_runs"].values()),
            f"≤ {TARGETS['board_p95_ms']} ms",
            board["p95_ms"] <= TARGETS["board_p95_ms"],
        ),
        (
            "board queries per page",
            str(board["queries_per_page"]),
            "same at small and full size",
            board["queries_constant"],
        ),
        (
            "ballot page weight",
            f"{results['ballot_page_bytes'] / 1024:.1f} KB",
            f"≤ {TARGETS['page_bytes'] // 1024} KB, no other host",
            results["ballot_page_bytes"] <= TARGETS["page_bytes"]
            and not results["weight"]["foreign_references"],
        ),
    ]


def room_verdicts(results: dict) -> list[tuple[str, str, str, bool]]:
    """The room scenario: the burst with 2,000 phones, the convener and the projector polling."""
    room, base = results["room"], results["baseline"]
    seats = results["ballot_burst"]["seats"]
    vs_insert = room["ballot_rps"] / base["insert_rps"] if base["insert_rps"] else 0
    lag = room["client_loop_lag_ms"]
    return [
        ("room: ballot errors", str(room["ballot_errors"]), "0", room["ballot_errors"] == 0),
        (
            "room: ballots in database",
            f"{room['ballots_in_db']} (dup {room['duplicates']})",
            f"{seats}, 0 dup",
            room["ballots_in_db"] == seats and room["duplicates"] == 0,
        ),
        (
            "room: ballots",
            f"{room['ballot_rps']:.0f} req/s in {room['ballot_seconds']:.2f} s "
            f"= {vs_insert:.0%} of bare INSERT",
            "",
            True,
        ),
        (
            "room: ballot p50 / p95 / p99",
            f"{room['ballot_p50_ms']} / {room['ballot_p95_ms']} / {room['ballot_p99_ms']} ms",
            f"p99 ≤ {TARGETS['room_ballot_p99_ms']} ms",
            room["ballot_p99_ms"] <= TARGETS["room_ballot_p99_ms"],
        ),
        (
            "room: polls",
            f"{room['poll_rps']:.0f} req/s ({room['poll_rps_during_burst']:.0f} during the "
            f"burst), {room['poll_share_304']:.1%} answered 304",
            "",
            True,
        ),
        (
            "room: poll p50 / p99 (during burst)",
            f"{room['poll_p50_ms']} / {room['poll_p99_ms']} ms "
            f"({room['poll_p99_ms_during_burst']} ms)",
            "",
            True,
        ),
        (
            "room: poll errors",
            str(room["poll_errors"]),
            "0, every poll answered",
            room["poll_errors"] == 0,
        ),
        (
            "room: bare / bare INSERT (same run)",
            f"{base['bare_rps']:.0f} / {base['insert_rps']:.0f} req/s",
            "",
            True,
        ),
        (
            "room: client loop lag p99 / max",
            f"{lag['p99']} / {lag['max']} ms",
            "",
            True,
        ),
    ]


def owner_verdicts(burst: dict, base: dict) -> list[tuple[str, str, str, bool]]:
    """The owners' burst against the seated burst's targets."""
    vs_insert = burst["rps"] / base["insert_rps"] if base["insert_rps"] else 0
    return [
        ("owners' burst errors", str(burst["errors"]), "0", burst["errors"] == 0),
        (
            "owners' ballots in database",
            f"{burst['ballots_in_db']} (dup {burst['duplicates']})",
            f"{burst['owners']}, 0 dup",
            burst["ballots_in_db"] == burst["owners"] and burst["duplicates"] == 0,
        ),
        (
            "owners' burst duration",
            f"{burst['seconds']:.2f} s",
            f"< {TARGETS['burst_seconds']} s",
            burst["seconds"] < TARGETS["burst_seconds"],
        ),
        (
            "owners' burst p50 / p95 / p99",
            f"{burst['p50_ms']} / {burst['p95_ms']} / {burst['p99_ms']} ms",
            f"p99 ≤ {TARGETS['burst_p99_ms']} ms",
            burst["p99_ms"] <= TARGETS["burst_p99_ms"],
        ),
        (
            "owners' burst / bare INSERT",
            f"{vs_insert:.0%}",
            f"≥ {TARGETS['burst_vs_insert']:.0%}",
            vs_insert >= TARGETS["burst_vs_insert"],
        ),
    ]


def summarise(results: dict, loaded: dict) -> None:
    """Fold the load-time query counts and the weight into the keys of issue 9."""
    full, small = loaded["full"]["pages"], loaded["small"]["pages"]
    results["board"] = {
        "p95_ms": max(run["p95_ms"] for run in results["board_runs"].values()),
        "queries_per_page": {name: count for name, (_, count) in full.items()},
        "queries_small_dataset": {name: count for name, (_, count) in small.items()},
        "queries_constant": full == small,
        "statuses": {name: status for name, (status, _) in full.items()},
        "resolutions": loaded["resolutions"],
        "tasks": loaded["tasks"],
        "small_dataset": {
            "resolutions": loaded["small"]["resolutions"],
            "tasks": loaded["small"]["tasks"],
        },
        "pages": BOARD_PAGES,
    }
    results["ballot_page_bytes"] = results["weight"]["total_wire_bytes"]
    run = results["room_run"]
    burst, polls = run["burst"], run["polls_all"]
    results["room"] = {
        "ballot_rps": burst["rps"],
        "ballot_p50_ms": burst["p50_ms"],
        "ballot_p95_ms": burst["p95_ms"],
        "ballot_p99_ms": burst["p99_ms"],
        "ballot_errors": burst["errors"],
        "ballot_seconds": burst["seconds"],
        "ballots_in_db": run["ballots_in_db"],
        "duplicates": run["duplicates"],
        "poll_rps": polls["rps"],
        "poll_share_304": polls["share_304"],
        "poll_p50_ms": polls["p50_ms"],
        "poll_p99_ms": polls["p99_ms"],
        "poll_errors": polls["errors"],
        "poll_p99_ms_during_burst": run["polls_during_burst"]["p99_ms"],
        "poll_rps_during_burst": run["polls_during_burst"]["rps"],
        "polls_by_kind": {
            kind: {key: figures[key] for key in ("count", "rps", "p99_ms", "errors", "statuses")}
            for kind, figures in run["polls"].items()
        },
        "client_loop_lag_ms": run["client_loop_lag_ms"],
        "seconds": run["seconds"],
    }


def print_table(rows) -> None:
    """The summary table."""
    widths = [max(len(row[i]) for row in rows) for i in range(3)]
    print()
    for name, figure, target, met in rows:
        mark = "ok" if met else ("MISSED" if target else "")
        print(f"  {name:<{widths[0]}}  {figure:<{widths[1]}}  {target:<{widths[2]}}  {mark}")
    print()


def main() -> int:
    """Run the whole benchmark; return the process exit status."""
    began = time.perf_counter()
    load_average = os.getloadavg()
    say(f"load average at start: {load_average[0]:.2f} {load_average[1]:.2f} {load_average[2]:.2f}")
    say(f"database {sa.make_url(DATABASE_URL).database}: create, migrate, load")
    recreate_database(DATABASE_URL)
    app = make_app()
    room, compound, loaded = load(app)
    from app.extensions import db

    with app.app_context():
        engine = db.engine
    # WhiteNoise serves a gzip copy only when it is newer than its file (app/static_files.py).
    subprocess.run(
        [sys.executable, "-m", "whitenoise.compress", "--quiet", "--no-brotli", "app/static"],
        cwd=ROOT,
        check=True,
    )
    log_path = ROOT / "bench" / "gunicorn.log"
    say(f"gunicorn: {WORKERS} {WORKER_CLASS} workers on {HOST}:{PORT}")
    with gunicorn(log_path):
        results = measure(room, compound, engine, lambda room: open_room(app, room))
    summarise(results, loaded)
    info = machine(engine)
    results["machine"] = (
        f"{info['cores']} cores, {info['memory_gb']} GB, {info['cpu']}, {info['kernel']}, "
        f"Python {info['python']}, PostgreSQL {info['postgresql']}"
    )
    results["machine_detail"] = info
    results["server"] = {"workers": WORKERS, "worker_class": WORKER_CLASS, "port": PORT}
    results["load_average_at_start"] = [round(x, 2) for x in load_average]
    results["load"] = {key: loaded[key] for key in ("load_seconds", "resolutions", "tasks")}
    results["total_seconds"] = round(time.perf_counter() - began, 1)
    rows = verdicts(results)
    room_rows = room_verdicts(results)
    results["targets_met"] = all(met for *_, met in rows + room_rows)
    (ROOT / "bench" / "results.json").write_text(
        json.dumps(results, ensure_ascii=False, indent=2) + "\n", encoding="utf-8"
    )
    print("\nBurst alone (and the other measures)")
    print_table(rows)
    print("Room: 2,000 phones polling, the convener and the projector polling, the burst on top")
    print_table(room_rows)
    say(f"machine: {results['machine']}")
    say(f"done in {results['total_seconds']} s; bench/results.json written")
    return 0


if __name__ == "__main__":
    sys.exit(main())
