"""Closing and the result notice (公示): the web result equals ``flask tally`` on the same case."""

import json
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

from click.testing import CliRunner

from app import clock
from app.extensions import db
from app.owners import ballots
from app.owners.cli import owners_close
from app.voting.cli import tally
from tests.owners.helpers import code_for, make_compound, make_decision

ROOT = Path(__file__).resolve().parents[2]


def vote_worked_example(client, owners, decision):
    """VOTING.md's ballots through the web: a yes, b no, the developer yes (on paper), c silent."""
    for key, choice in (("a", "yes"), ("b", "no")):
        url = f"/o/{code_for(owners[key])}/d/{decision.id}"
        assert client.post(url, data={"choice": choice, "confirm": "1"}).status_code == 302
    ballots.cast(db.session, decision, owners["developer"], None, "yes", "paper", clock.now())
    db.session.commit()


def close_now(decision):
    """Move the end into the past and close through the cron command."""
    decision.closes_at = clock.now() - timedelta(seconds=1)
    db.session.commit()


def test_worked_example_through_the_web_matches_flask_tally(client, ctx, app, tmp_path):
    """The case built from the database, run through ``flask tally``, gives the web's result."""
    body, _, owners = make_compound()
    decision = make_decision(body, matter="major")
    vote_worked_example(client, owners, decision)
    close_now(decision)
    result = app.test_cli_runner().invoke(owners_close)
    assert result.exit_code == 0 and f"decision {decision.id} closed: not passed" in result.output
    db.session.refresh(decision)
    case = ballots.case_for(db.session, decision)
    assert case == decision.frozen["case"]
    path = tmp_path / "CASE.json"
    path.write_text(json.dumps(case, ensure_ascii=False), encoding="utf-8")
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tally", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "SECRET_KEY": "x"},
    )
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == decision.frozen["result"]
    assert decision.frozen["result"]["ratios"]["yes_area"] == "281/321"
    assert decision.frozen["result"]["failed"] == ["threshold_owners"]
    page = client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    for figure in ("321/361", "281/321", "2/3", "66.7%", "87.5%", "541.50", "未通过"):
        assert figure in page, figure
    assert "《中华人民共和国民法典》第二百七十八条" in page
    opendata = client.get(f"/owners/decisions/{decision.id}/result.json").get_json()
    assert opendata["result"] == decision.frozen["result"] and opendata["case"] == case
    assert "13900000000" not in json.dumps(opendata)
    printable = client.get(f"/owners/decisions/{decision.id}/notice")
    assert printable.status_code == 200 and "print-a4" in printable.get_data(as_text=True)


def test_ordinary_worked_example_passes(client, ctx):
    """The same ballots on an ordinary matter pass: 通过 on the board."""
    body, _, owners = make_compound()
    decision = make_decision(body)
    vote_worked_example(client, owners, decision)
    close_now(decision)
    page = client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    assert "通过" in page and "未通过" not in page
    db.session.refresh(decision)
    assert decision.passed is True


def test_close_command_is_idempotent(app, ctx):
    """A second run of the cron command closes nothing more; an open window is left alone."""
    body, _, _ = make_compound()
    due = make_decision(body, closes_at=clock.now() - timedelta(seconds=1))
    running = make_decision(body)
    runner = app.test_cli_runner()
    assert f"decision {due.id} closed" in runner.invoke(owners_close).output
    assert runner.invoke(owners_close).output == ""
    db.session.refresh(running)
    assert running.status == "announced"


def test_tally_cli_refuses_a_mixed_case():
    """A case holding both units and constituencies exits 2 with one line."""
    case = {"units": [], "constituencies": [], "ballots": {}, "rule": {"matter": "ordinary"}}
    result = CliRunner().invoke(tally, ["-"], input=json.dumps(case))
    assert result.exit_code == 2 and "both units and constituencies" in result.stderr


def test_board_and_open_data_publish_the_result(client, ctx):
    """The board lists the decision; JSON, CSV and Atom carry the exact figures, no phones."""
    body, _, owners = make_compound()
    decision = make_decision(body, matter="major", title="3号楼电梯更新")
    vote_worked_example(client, owners, decision)
    close_now(decision)
    board = client.get(f"/b/{body.slug}/owners/decisions").get_data(as_text=True)
    assert "3号楼电梯更新" in board and "未通过" in board
    assert "业主表决" in client.get(f"/b/{body.slug}").get_data(as_text=True)
    rows = client.get(f"/open-data/owner-decisions.json?body={body.slug}").get_json()
    assert len(rows) == 1
    row = rows[0]
    assert (row["owners_total"], row["area_total"], row["yes_area"]) == (4, "1083/2", "281/321")
    assert row["failed"] == "threshold_owners" and row["passed"] is False
    csv_text = client.get("/open-data/owner-decisions.csv").get_data(as_text=True)
    assert "321/361" in csv_text and "13900000000" not in csv_text
    atom = client.get("/open-data/owner-decisions.atom").get_data(as_text=True)
    assert "3号楼电梯更新" in atom and "<feed" in atom
