"""The owners' count (业主共同决定, Civil Code art. 278): worked example, rules, bad input."""

import json
import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import pytest
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from app.counting.owners import (
    OwnersRule,
    Unit,
    count_owners,
    owner_areas,
    tally_owners_case,
)
from app.counting.tally import TallyInputError, Test
from app.voting.cli import tally

ROOT = Path(__file__).resolve().parents[2]

WORKED = {
    "units": [
        {"id": "1-101", "area": "90.5", "owner": "a"},
        {"id": "1-102", "area": "90.5", "owner": "a"},
        {"id": "1-103", "area": "90.5", "owner": "a"},
        {"id": "2-101", "area": "60", "owner": "b"},
        {"id": "2-102", "area": 60, "owner": "c"},
        {"id": "3-101", "area": "75", "owner": "developer"},
        {"id": "3-102", "area": "75.00", "owner": "developer"},
    ],
    "ballots": {"a": "yes", "b": "no", "developer": "yes"},
    "rule": {"matter": "ordinary"},
}


def case(**parts) -> dict:
    """The worked case with some top-level parts replaced."""
    return {**WORKED, **parts}


def test_worked_example_ordinary_passes():
    """VOTING.md's worked example: 4 owners, 1083/2 m², an ordinary matter passes."""
    result = tally_owners_case(WORKED).to_json()
    assert result["passed"] is True
    assert result["participation_met"] is True
    assert result["owners"] == {"total": 4, "participating": 3, "yes": 2, "no": 1, "abstain": 0}
    assert result["area"] == {
        "total": "1083/2",
        "participating": "963/2",
        "yes": "843/2",
        "no": "60",
        "abstain": "0",
    }
    assert result["ratios"] == {
        "participation_owners": "3/4",
        "participation_area": "321/361",
        "yes_owners": "2/3",
        "yes_area": "281/321",
    }
    assert result["failed"] == []


def test_worked_example_major_fails_on_owners_only():
    """As a major matter the same ballots fail with threshold_owners (2/3 < 3/4), area holds."""
    result = tally_owners_case(case(rule={"matter": "major"}))
    assert result.passed is False
    assert result.failed == ("threshold_owners",)
    assert result.yes_area == Fraction(281, 321)
    assert "2/3" in result.explanation and "3/4" in result.explanation


def test_bounds_included_or_not():
    """2/3 participation is enough (以上), half yes is not "过半数", 3/4 is enough for major."""
    units = [Unit(str(i), Fraction(100), f"o{i}") for i in range(12)]
    eight = {f"o{i}": "yes" for i in range(8)}
    assert count_owners(units, eight, OwnersRule()).participation_met is True
    seven = {f"o{i}": "yes" for i in range(7)}
    assert count_owners(units, seven, OwnersRule()).failed == (
        "participation_area",
        "participation_owners",
    )
    half = {f"o{i}": ("yes" if i < 4 else "no") for i in range(8)}
    assert count_owners(units, half, OwnersRule()).failed == ("threshold_area", "threshold_owners")
    three_quarters = {f"o{i}": ("yes" if i < 6 else "abstain") for i in range(8)}
    assert count_owners(units, three_quarters, OwnersRule("major")).passed is True


def test_abstention_counts_against_and_nobody_voting():
    """Abstentions take part and count against; with no ballots the yes ratios are null."""
    units = [Unit("1", Fraction(50), "a"), Unit("2", Fraction(50), "b")]
    result = count_owners(units, {"a": "yes", "b": "abstain"}, OwnersRule())
    assert result.participation_met and result.failed == ("threshold_area", "threshold_owners")
    empty = count_owners(units, {}, OwnersRule()).to_json()
    assert empty["ratios"]["yes_owners"] is None and empty["ratios"]["yes_area"] is None
    assert empty["failed"] == [
        "participation_area",
        "participation_owners",
        "threshold_area",
        "threshold_owners",
    ]


def test_stricter_local_rule_applies_and_looser_is_refused():
    """A 业主大会议事规则 may ask more (4/5 participation) but never less than the law."""
    strict = case(rule={"matter": "ordinary", "participation": {"op": ">=", "value": "4/5"}})
    assert tally_owners_case(strict).failed == ("participation_owners",)
    for loose in (
        {"matter": "ordinary", "threshold": {"op": ">=", "value": "1/2"}},
        {"matter": "major", "threshold": {"op": ">", "value": "2/3"}},
        {"matter": "ordinary", "participation": {"op": ">", "value": "0.6"}},
    ):
        with pytest.raises(TallyInputError, match="looser than the law"):
            tally_owners_case(case(rule=loose))
    same = OwnersRule("major", participation=Test(">=", Fraction(2, 3)))
    assert same.participation_test == Test(">=", Fraction(2, 3))


BAD = {
    "duplicate unit": case(units=[*WORKED["units"], {"id": "1-101", "area": "1", "owner": "z"}]),
    "zero area": case(units=[{"id": "x", "area": "0", "owner": "a"}], ballots={}),
    "negative area": case(units=[{"id": "x", "area": "-3", "owner": "a"}], ballots={}),
    "float-ish text": case(units=[{"id": "x", "area": "1e3", "owner": "a"}], ballots={}),
    "fraction area": case(units=[{"id": "x", "area": "1/3", "owner": "a"}], ballots={}),
    "ballot from outside": case(ballots={"zz": "yes"}),
    "unknown choice": case(ballots={"a": "maybe"}),
    "unknown matter": case(rule={"matter": "urgent"}),
    "looser rule": case(rule={"matter": "major", "threshold": {"op": ">=", "value": "1/2"}}),
    "both kinds": case(constituencies=[]),
    "no units": case(units=[], ballots={}),
    "missing ballots": {"units": WORKED["units"], "rule": {"matter": "major"}},
    "unknown key": case(extra=1),
}


@pytest.mark.parametrize("name", BAD)
def test_bad_input_exits_2_with_one_line(name):
    """Every bad owners' case prints one line on stderr, nothing on stdout, and exits 2."""
    result = CliRunner().invoke(tally, ["-"], input=json.dumps(BAD[name]))
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    assert len(result.stderr.strip().splitlines()) == 1
    assert "Traceback" not in result.stderr


def test_cli_counts_the_worked_example_as_a_process(tmp_path):
    """``flask --app wsgi tally CASE.json`` prints the owners' result and exits 0."""
    path = tmp_path / "CASE.json"
    path.write_text(json.dumps(case(rule={"matter": "major"})))
    done = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "wsgi", "tally", str(path)],
        cwd=ROOT,
        capture_output=True,
        check=False,
        env={"PATH": "/usr/bin:/bin", "LIANXI_LOCALE": "en", "SECRET_KEY": "x"},
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert out["failed"] == ["threshold_owners"]
    assert out["explanation"].startswith("Not passed")


areas = st.decimals(min_value="0.01", max_value="9999.99", places=2).map(Fraction)
unit_lists = st.lists(
    st.tuples(areas, st.sampled_from(["a", "b", "c", "d", "developer"])), min_size=1, max_size=12
)
choices = st.dictionaries(
    st.sampled_from(["a", "b", "c", "d", "developer"]), st.sampled_from(["yes", "no", "abstain"])
)


def build(rows) -> list[Unit]:
    """Units numbered in order from (area, owner) pairs."""
    return [Unit(f"u{i}", area, owner) for i, (area, owner) in enumerate(rows)]


@given(unit_lists, choices, areas)
def test_adding_a_unit_to_an_owner_never_changes_the_headcount(rows, ballots, extra):
    """Giving an existing owner one more unit leaves every headcount figure unchanged."""
    units = build(rows)
    ballots = {o: c for o, c in ballots.items() if o in {u.owner for u in units}}
    before = count_owners(units, ballots, OwnersRule())
    after = count_owners([*units, Unit("extra", extra, units[0].owner)], ballots, OwnersRule())
    assert after.owners == before.owners
    assert after.area.total == before.area.total + extra


@given(unit_lists, choices)
def test_a_ballots_area_is_its_owners_units_areas(rows, ballots):
    """Each choice's area is the sum of the areas of the units of the owners who chose it."""
    units = build(rows)
    ballots = {o: c for o, c in ballots.items() if o in {u.owner for u in units}}
    result = count_owners(units, ballots, OwnersRule())
    for choice in ("yes", "no", "abstain"):
        expected = sum((u.area for u in units if ballots.get(u.owner) == choice), Fraction(0))
        assert getattr(result.area, choice) == expected
    assert result.area.participating == sum(owner_areas(units)[o] for o in ballots)
    assert (
        result.owners.participating == result.owners.yes + result.owners.no + result.owners.abstain
    )


@given(unit_lists, choices)
def test_an_abstention_never_helps_approval(rows, ballots):
    """A silent owner who abstains raises participation and never raises a yes ratio."""
    units = build(rows)
    owners = {u.owner for u in units}
    ballots = {o: c for o, c in ballots.items() if o in owners}
    silent = sorted(owners - set(ballots))
    if not silent or not ballots:
        return
    before = count_owners(units, ballots, OwnersRule())
    after = count_owners(units, {**ballots, silent[0]: "abstain"}, OwnersRule())
    assert after.participation_owners > before.participation_owners
    assert after.yes_owners <= before.yes_owners
    assert after.yes_area <= before.yes_area
