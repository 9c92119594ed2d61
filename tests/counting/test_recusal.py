"""Recusal (回避) in the count: docs/counting.md, "Recusal", and its example kept as a test."""

import json
from fractions import Fraction as F

import pytest
from click.testing import CliRunner

from app.counting.tally import TallyInputError, tally_case
from app.voting.cli import tally

MORE_THAN_HALF = {"op": ">", "value": "1/2"}


def recusal_example(**changes) -> dict:
    """docs/counting.md's example: 10 seats, 8 present, 2 stand aside, 4 yes 1 no 1 abstain."""
    case = {
        "constituencies": [{"id": "all", "seats": 10}],
        "present": {"all": 8},
        "recused": {"all": 2},
        "votes": {"all": {"yes": 4, "no": 1, "abstain": 1}},
        "rule": {"base": "present", "quorum": MORE_THAN_HALF},
    }
    return {**case, **changes}


def test_the_example_passes_on_a_base_of_six():
    """Quorum 8/10 holds (recused seats are in the room), base 8 − 2 = 6, ratio 4/6 passes."""
    result = tally_case(recusal_example())
    assert result.quorum_met
    assert result.base == 6
    assert result.ratio == F(2, 3)
    assert result.passed
    assert result.to_json()["recused"] == {"all": 2}


def test_without_recusal_the_same_votes_fail_on_the_present_base():
    """The same ballots with nobody standing aside: 4 of 8 present is not more than half."""
    result = tally_case(recusal_example(recused={"all": 0}))
    assert result.ratio == F(1, 2)
    assert result.failed == ("threshold",)


def test_entitled_base_leaves_recused_seats_out():
    """Base ``entitled`` is seats − recused: 4 yes of 10 − 2 = 8 is not more than half, 5 is."""
    assert tally_case(recusal_example(rule={"base": "entitled"})).ratio == F(1, 2)
    votes = {"all": {"yes": 5, "no": 1}}
    assert tally_case(recusal_example(rule={"base": "entitled"}, votes=votes)).passed


def test_recused_seats_count_for_the_quorum_and_bloc_quorum():
    """Six present of whom two stand aside still make a quorum of more than half of ten."""
    case = recusal_example(
        present={"all": 6},
        votes={"all": {"yes": 3}},
        rule={"base": "present", "quorum": MORE_THAN_HALF, "bloc_quorum": MORE_THAN_HALF},
    )
    result = tally_case(case)
    assert result.quorum_met
    assert result.base == 4
    assert result.blocs["all"].quorum_met
    assert result.blocs["all"].recused == 2


def test_quota_weights_do_not_change_and_bloc_bases_are_taken_per_constituency():
    """Under quota a seat still weighs share/seats; under bloc the own base drops recused seats."""
    case = {
        "constituencies": [
            {"id": "property", "seats": 2, "share": "1/2"},
            {"id": "residents", "seats": 4, "share": "1/2"},
        ],
        "present": {"property": 2, "residents": 4},
        "recused": {"property": 1},
        "votes": {"property": {"yes": 1}, "residents": {"yes": 2, "no": 2}},
        "rule": {"weighting": "quota", "base": "present"},
    }
    quota = tally_case(case)
    # yes: 1/4 + 2/8 = 1/2; base: 1 × 1/4 + 4 × 1/8 = 3/4
    assert (quota.yes, quota.base, quota.ratio) == (F(1, 2), F(3, 4), F(2, 3))
    bloc = tally_case({**case, "rule": {"weighting": "bloc", "base": "present"}})
    # property: 1 yes of 2 − 1 = 1 → ratio 1; residents 2 of 4: 1/2·1 + 1/2·1/2 = 3/4
    assert bloc.ratio == F(3, 4)


def test_the_explanation_names_the_seats_that_stood_aside():
    """The sentence a convener reads out says how many seats stood aside."""
    assert "2 席回避" in tally_case(recusal_example()).explanation
    assert "2 seat(s) stood aside" in tally_case(recusal_example(), "en").explanation


def test_a_case_without_recused_prints_as_before():
    """No ``recused`` key in the case, none in the result: older counts print unchanged."""
    case = recusal_example()
    del case["recused"]
    assert "recused" not in tally_case(case).to_json()


@pytest.mark.parametrize(
    ("recused", "votes", "message"),
    [
        ({"all": 9}, None, "recused for 'all': 9 is more than its 8 present seats"),
        ({"all": -1}, None, "recused for 'all': count must be a whole number of at least 0"),
        ({"nobody": 1}, None, "recused: unknown constituency"),
        ({"all": 2}, {"all": {"yes": 7}}, "votes for 'all': 7 ballots but only 6 present"),
        ([2], None, "recused: must be a JSON object"),
    ],
)
def test_bad_recusal_is_refused_naming_the_problem(recused, votes, message):
    """Recused above present, negative, unknown, votes above present − recused: refused."""
    changes = {"recused": recused}
    if votes:
        changes["votes"] = votes
    with pytest.raises(TallyInputError, match="^" + message.replace("(", r"\(")):
        tally_case(recusal_example(**changes))


def test_flask_tally_counts_the_example_and_refuses_bad_recusal():
    """``flask tally`` agrees with the web's engine on recusal; bad input exits 2 in one line."""
    runner = CliRunner()
    done = runner.invoke(tally, ["-"], input=json.dumps(recusal_example()))
    assert done.exit_code == 0, done.output
    printed = json.loads(done.stdout)
    assert (printed["passed"], printed["base"], printed["ratio"]) == (True, "6", "2/3")
    assert printed["recused"] == {"all": 2}
    bad = runner.invoke(tally, ["-"], input=json.dumps(recusal_example(recused={"all": 9})))
    assert bad.exit_code == 2
    assert len(bad.stderr.strip().splitlines()) == 1
    assert "recused" in bad.stderr
