"""The ``flask tally`` and ``flask apportion`` commands, through click and as real processes."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from app.counting.tally import tally_case
from app.voting.cli import apportion, tally

ROOT = Path(__file__).resolve().parents[2]

CASE = {
    "constituencies": [
        {"id": "community", "seats": 12, "share": "2/5"},
        {"id": "street", "seats": 5, "share": "1/5"},
        {"id": "merchant", "seats": 8, "share": 0.4},
    ],
    "present": {"community": 10, "street": 4, "merchant": 6},
    "votes": {
        "community": {"yes": 7, "no": 2, "abstain": 1},
        "street": {"yes": 3, "no": 1},
        "merchant": {"yes": 1, "no": 5},
    },
    "rule": {"weighting": "quota", "base": "cast", "quorum": {"op": ">", "value": "1/2"}},
}


def with_changes(**parts) -> str:
    """Return the worked case as JSON text with some top-level parts replaced."""
    return json.dumps({**CASE, **parts})


BAD_INPUTS = {
    "malformed JSON": '{"constituencies": [',
    "empty input": "",
    "not UTF-8": b"\xff\xfe{}",
    "duplicate key": '{"present": {}, "present": {}}',
    "nested too deeply": "[" * 100_000,
    "not an object": "[1, 2, 3]",
    "missing key": json.dumps({k: v for k, v in CASE.items() if k != "votes"}),
    "wrong type": with_changes(present=[10, 4, 6]),
    "unknown constituency": with_changes(present={**CASE["present"], "merchnt": 1}),
    "present > seats": with_changes(present={**CASE["present"], "merchant": 9}),
    "votes > present": with_changes(votes={**CASE["votes"], "street": {"yes": 5}}),
    "negative number": with_changes(votes={**CASE["votes"], "street": {"yes": -1}}),
    "shares not adding up": with_changes(
        constituencies=[{**c, "share": "1/4"} for c in CASE["constituencies"]]
    ),
    "unknown rule value": with_changes(rule={"weighting": "area"}),
    "unknown rule key": with_changes(rule={"majority": "simple"}),
    "NaN share": with_changes(constituencies=[{"id": "a", "seats": 1, "share": float("nan")}]),
}


def test_tally_reads_a_file(tmp_path):
    """``tally CASE.json`` prints the worked example's JSON and exits 0."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    outcome = CliRunner().invoke(tally, [str(path)])
    assert outcome.exit_code == 0
    printed = json.loads(outcome.stdout)
    assert printed == tally_case(CASE).to_json()
    assert printed["ratio"] == "121/228"
    assert outcome.stdout.count("\n") == 1


def test_tally_reads_stdin_and_speaks_the_chosen_language():
    """``tally -`` reads stdin; LIANXI_LOCALE=en gives an English sentence, default Chinese."""
    runner = CliRunner()
    chinese = json.loads(
        runner.invoke(tally, ["-"], input=json.dumps(CASE), env={"LIANXI_LOCALE": None}).stdout
    )
    assert (
        chinese["explanation"] == "表决通过：赞成占 121/228，超过 1/2；出席 20/25，达到法定人数。"
    )
    english = runner.invoke(tally, ["-"], input=json.dumps(CASE), env={"LIANXI_LOCALE": "en"})
    assert json.loads(english.stdout)["explanation"].startswith("Passed: yes carries 121/228")


def test_tally_refuses_an_unknown_locale():
    """An unknown LIANXI_LOCALE is bad input too, named on one line."""
    outcome = CliRunner().invoke(tally, ["-"], input=json.dumps(CASE), env={"LIANXI_LOCALE": "fr"})
    assert outcome.exit_code == 2
    assert outcome.stderr == "Error: LIANXI_LOCALE must be zh or en, got 'fr'\n"


def test_tally_names_a_missing_file(tmp_path):
    """A CASE.json that does not exist is named on one line, exit 2."""
    outcome = CliRunner().invoke(tally, [str(tmp_path / "nope.json")])
    assert outcome.exit_code == 2
    assert (
        outcome.stderr
        == f"Error: cannot read {tmp_path / 'nope.json'}: No such file or directory\n"
    )


@pytest.mark.parametrize("raw", BAD_INPUTS.values(), ids=BAD_INPUTS.keys())
def test_tally_bad_input_gives_one_line_and_exit_2(raw):
    """Each kind of bad input prints one error line on stderr, nothing on stdout, and exits 2."""
    outcome = CliRunner().invoke(tally, ["-"], input=raw)
    assert outcome.exit_code == 2
    assert outcome.stdout == ""
    assert len(outcome.stderr.splitlines()) == 1
    assert outcome.stderr.startswith("Error: ")
    assert "Traceback" not in outcome.stderr


def test_tally_error_names_the_problem():
    """The error line says which constituency broke which rule."""
    outcome = CliRunner().invoke(tally, ["-"], input=BAD_INPUTS["present > seats"])
    assert outcome.stderr == "Error: present for 'merchant': 9 is more than its 8 seats\n"
    outcome = CliRunner().invoke(tally, ["-"], input=BAD_INPUTS["duplicate key"])
    assert outcome.stderr == "Error: malformed JSON: key 'present' appears twice in one object\n"


QUOTAS = ["merchant=2/5:min", "residents=7/20", "officials=1/4"]


def test_apportion_prints_one_line_per_constituency():
    """``apportion --seats 23`` with a merchant minimum prints 10 / 8 / 5, one per line."""
    outcome = CliRunner().invoke(apportion, ["--seats", "23", *QUOTAS])
    assert outcome.exit_code == 0
    assert outcome.stdout == "merchant 10\nresidents 8\nofficials 5\n"


def test_apportion_json():
    """``--json`` prints one object; without a minimum Hamilton gives 9 / 8 / 6."""
    plain = ["merchant=0.4", "residents=7/20", "officials=1/4"]
    outcome = CliRunner().invoke(apportion, ["--seats", "23", "--json", *plain])
    assert json.loads(outcome.stdout) == {"merchant": 9, "residents": 8, "officials": 6}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (
            ["--seats", "10", "a=1/2:min", "b=7/20:min", "c=3/20:min"],
            "the minimum quotas cannot all be met: a needs 5, b needs 4, c needs 2, "
            "11 seats in all, but there are only 10",
        ),
        (["--seats", "x", *QUOTAS], "--seats must be a whole number, got 'x'"),
        (["--seats", "0", *QUOTAS], "the number of seats must be a whole number ≥ 1, got 0"),
        (["--seats", "23", "merchant:2/5"], "'merchant:2/5' is not ID=SHARE or ID=SHARE:min"),
        (
            ["--seats", "23", "merchant=lots", "residents=3/5"],
            'share of \'merchant\': expected an exact number like "2/5" or "0.4", got "lots"',
        ),
        (["--seats", "23", "merchant=2/5", "residents=1/2"], "the shares add up to 9/10, not 1"),
    ],
)
def test_apportion_bad_input_gives_one_line_and_exit_2(args, message):
    """Infeasible minimums and malformed quotas print one error line and exit 2."""
    outcome = CliRunner().invoke(apportion, args)
    assert outcome.exit_code == 2
    assert len(outcome.stderr.splitlines()) == 1
    assert outcome.stderr.startswith(f"Error: {message}")


# --- as real processes, the way a convener runs them ---------------------------------------------


def flask(*args: str, stdin: bytes | None = None, **env: str) -> subprocess.CompletedProcess:
    """Run ``python -m flask --app wsgi ARGS`` from the project root."""
    env = {**os.environ, "SECRET_KEY": "test", "LIANXI_LOCALE": "zh", **env}
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", *args],
        cwd=ROOT,
        input=stdin,
        capture_output=True,
        env=env,
        timeout=60,
    )


def test_flask_tally_file(tmp_path):
    """``flask --app wsgi tally CASE.json`` prints the count as UTF-8 JSON and exits 0."""
    path = tmp_path / "case.json"
    path.write_text(json.dumps(CASE))
    done = flask("tally", str(path))
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8")) == tally_case(CASE).to_json()


def test_flask_tally_stdin():
    """``flask --app wsgi tally -`` reads stdin and prints UTF-8 even to an ASCII terminal."""
    done = flask("tally", "-", stdin=json.dumps(CASE).encode(), PYTHONIOENCODING="ascii")
    assert done.returncode == 0, done.stderr.decode()
    assert json.loads(done.stdout.decode("utf-8"))["explanation"].startswith("表决通过")


@pytest.mark.parametrize(
    "kind", ["malformed JSON", "nested too deeply", "unknown constituency", "shares not adding up"]
)
def test_flask_tally_bad_input(kind):
    """A real process given bad input exits 2 with one stderr line and no traceback."""
    raw = BAD_INPUTS[kind]
    done = flask("tally", "-", stdin=raw if isinstance(raw, bytes) else raw.encode())
    stderr = done.stderr.decode()
    assert done.returncode == 2
    assert done.stdout == b""
    assert len(stderr.splitlines()) == 1
    assert "Traceback" not in stderr


def test_flask_apportion():
    """``flask --app wsgi apportion`` prints the suggestion, and refuses infeasible minimums."""
    done = flask("apportion", "--seats", "23", *QUOTAS)
    assert done.returncode == 0, done.stderr.decode()
    assert done.stdout.decode() == "merchant 10\nresidents 8\nofficials 5\n"
    done = flask("apportion", "--seats", "5", "a=1/2:min", "b=1/2:min")
    assert done.returncode == 2
    assert len(done.stderr.decode().splitlines()) == 1
