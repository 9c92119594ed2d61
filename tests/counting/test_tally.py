"""The count, checked against every worked example and rule of docs/counting.md."""

import copy
from fractions import Fraction as F

import pytest

from app.counting.tally import (
    Ballots,
    Constituency,
    Rule,
    TallyInputError,
    Test,
    count,
    parse_case,
    parse_fraction,
    seat_weight,
    tally_case,
)

MORE_THAN_HALF = {"op": ">", "value": "1/2"}


def worked_case(**rule) -> dict:
    """Return docs/counting.md's 25-seat worked example, counted under ``rule``."""
    return {
        "constituencies": [
            {"id": "community", "seats": 12, "share": "2/5"},
            {"id": "street", "seats": 5, "share": "1/5"},
            {"id": "merchant", "seats": 8, "share": "2/5", "name": "商户"},
        ],
        "present": {"community": 10, "street": 4, "merchant": 6},
        "votes": {
            "community": {"yes": 7, "no": 2, "abstain": 1},
            "street": {"yes": 3, "no": 1},
            "merchant": {"yes": 1, "no": 5},
        },
        "rule": rule,
    }


def bloc_case(**rule) -> dict:
    """Return docs/counting.md's bloc example: shares 2/5, 7/20, 1/4 and a 9 : 9 headcount tie."""
    return {
        "constituencies": [
            {"id": "merchant", "seats": 8, "share": "2/5"},
            {"id": "residents", "seats": 8, "share": "7/20"},
            {"id": "officials", "seats": 6, "share": "1/4"},
        ],
        "present": {"merchant": 5, "residents": 8, "officials": 5},
        "votes": {
            "merchant": {"yes": 4, "no": 1},
            "residents": {"yes": 3, "no": 5},
            "officials": {"yes": 2, "no": 3},
        },
        "rule": {"weighting": "bloc", "base": "cast", **rule},
    }


def seat_case(seats: int, present: int, yes: int, no: int = 0, abstain: int = 0, **rule) -> dict:
    """Return a body of one constituency, counted by seat."""
    return {
        "constituencies": [{"id": "all", "seats": seats}],
        "present": {"all": present},
        "votes": {"all": {"yes": yes, "no": no, "abstain": abstain}},
        "rule": rule,
    }


# --- the worked examples ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("rule", "yes", "no", "base", "ratio", "failed"),
    [
        (
            {"weighting": "quota", "base": "cast", "quorum": MORE_THAN_HALF},
            "121/300",
            "107/300",
            "19/25",
            "121/228",
            [],
        ),
        ({"weighting": "seat", "base": "cast"}, "11", "8", "19", "11/19", []),
        (
            {"weighting": "quota", "base": "cast", "concurrent": ["merchant"]},
            "121/300",
            "107/300",
            "19/25",
            "121/228",
            ["bloc:merchant"],
        ),
        (
            {"weighting": "quota", "base": "voted", "threshold": {"op": ">=", "value": "2/3"}},
            "121/300",
            "107/300",
            "119/150",
            "121/238",
            ["threshold"],
        ),
    ],
    ids=["quota-quorum", "seat", "quota-concurrent-merchant", "quota-voted-two-thirds"],
)
def test_worked_example_table(rule, yes, no, base, ratio, failed):
    """Every row of the 25-seat table gives exactly docs/counting.md's fractions and outcome."""
    result = tally_case(worked_case(**rule)).to_json()
    assert (result["yes"], result["no"], result["base"], result["ratio"]) == (yes, no, base, ratio)
    assert result["failed"] == failed
    assert result["passed"] is (failed == [])


def test_worked_example_seat_weights():
    """Under quota the seats of community, street and merchants weigh 1/30, 1/25 and 1/20."""
    case = parse_case(worked_case(weighting="quota"))
    weights = [seat_weight(case.rule, c, 0) for c in case.constituencies]
    assert weights == [F(1, 30), F(1, 25), F(1, 20)]


def test_worked_example_quorum_and_json_shape():
    """The first row meets its quorum with 20 of 25 and prints docs/counting.md's JSON shape."""
    result = tally_case(worked_case(weighting="quota", quorum=MORE_THAN_HALF))
    assert result.to_json() == {
        "passed": True,
        "quorum_met": True,
        "yes": "121/300",
        "no": "107/300",
        "abstain": "1/30",
        "base": "19/25",
        "ratio": "121/228",
        "failed": [],
        "blocs": {
            "community": {
                "present": 10,
                "yes": 7,
                "no": 2,
                "abstain": 1,
                "passed": True,
                "quorum_met": True,
            },
            "street": {
                "present": 4,
                "yes": 3,
                "no": 1,
                "abstain": 0,
                "passed": True,
                "quorum_met": True,
            },
            "merchant": {
                "present": 6,
                "yes": 1,
                "no": 5,
                "abstain": 0,
                "passed": False,
                "quorum_met": True,
            },
        },
        "explanation": "表决通过：赞成占 121/228，超过 1/2；出席 20/25，达到法定人数。",
    }


def test_worked_example_explanations():
    """The sentence says what passed, or which constituency voted it down, in zh and en."""
    concurrent = worked_case(weighting="quota", concurrent=["merchant"])
    assert tally_case(concurrent).explanation == "未通过：商户界别赞成 1 票、反对 5 票，未过半。"
    assert (
        tally_case(concurrent, "en").explanation
        == "Not passed: 商户 voted 1 yes and 5 no, not more than half."
    )
    voted = worked_case(weighting="quota", base="voted", threshold={"op": ">=", "value": "2/3"})
    assert tally_case(voted).explanation == "未通过：赞成占 121/238，未达到 2/3。"
    assert (
        tally_case(voted, "en").explanation
        == "Not passed: yes carries 121/238 of the base, less than 2/3."
    )
    passed = worked_case(weighting="quota", quorum=MORE_THAN_HALF)
    assert tally_case(passed, "en").explanation == (
        "Passed: yes carries 121/228 of the base, more than 1/2; "
        "20 of 25 seats present, quorum met."
    )


def test_bloc_example_passes_but_fails_headcount():
    """Bloc averaging gives 441/800 and passes, but the 9 : 9 headcount fails headcount_too."""
    result = tally_case(bloc_case())
    assert result.ratio == F(441, 800)
    assert result.base == 1
    assert result.passed
    double = tally_case(bloc_case(headcount_too=True))
    assert double.ratio == F(441, 800)
    assert double.failed == ("headcount",)
    assert double.explanation == "未通过：按人数计赞成占 1/2，未过半。"


# --- edge cases ---------------------------------------------------------------------------------


def test_zero_base_fails_with_null_ratio():
    """When nobody votes yes or no under base cast the motion fails and the ratio is null."""
    result = tally_case(seat_case(10, 8, yes=0, abstain=8))
    assert result.to_json()["ratio"] is None
    assert result.base == 0
    assert result.failed == ("threshold",)
    assert result.explanation == "未通过：计票基数为 0。"


def test_nobody_present_fails_every_base():
    """With nobody present every base is zero (except entitled) and the motion fails."""
    for base in ("cast", "voted", "present"):
        assert tally_case(seat_case(10, 0, yes=0, base=base)).ratio is None
    assert tally_case(seat_case(10, 0, yes=0, base="entitled")).ratio == 0


def test_tie_fails_more_than_half_and_passes_at_least_half():
    """A 5 : 5 tie fails "more than half" and passes "at least half"."""
    assert tally_case(seat_case(10, 10, yes=5, no=5)).failed == ("threshold",)
    at_least = {"op": ">=", "value": "1/2"}
    assert tally_case(seat_case(10, 10, yes=5, no=5, threshold=at_least)).passed


def test_quorum_exactly_half_fails_more_than_half():
    """5 of 10 present is no quorum under "more than half" but is one under "at least half"."""
    short = tally_case(seat_case(10, 5, yes=5, quorum=MORE_THAN_HALF))
    assert not short.quorum_met
    assert short.failed == ("quorum",)
    assert short.explanation == "未通过：出席 5/10，未过半，不足法定人数。"
    assert tally_case(seat_case(10, 5, yes=5, quorum={"op": ">=", "value": "1/2"})).passed


def test_quorum_counts_heads_not_weights():
    """The quorum is present seats over all seats even under quota weighting."""
    case = worked_case(weighting="quota", quorum={"op": ">=", "value": "4/5"})
    assert tally_case(case).quorum_met  # 20 of 25 is exactly 4/5
    case["present"]["community"] = 9
    case["votes"]["community"]["abstain"] = 0
    assert not tally_case(case).quorum_met


def test_bloc_quorum_fails_for_one_constituency():
    """A constituency short of its own quorum fails the motion and is named."""
    case = worked_case(weighting="quota", bloc_quorum={"op": ">", "value": "4/5"})
    result = tally_case(case)
    assert result.failed == ("quorum",)
    assert not result.quorum_met
    assert [cid for cid, bloc in result.blocs.items() if not bloc.quorum_met] == [
        "street",
        "merchant",
    ]
    assert result.explanation == (
        "未通过：street界别出席 4/5，未超过 4/5，不足本界别法定人数；"
        "商户界别出席 6/8，未超过 4/5，不足本界别法定人数。"
    )


def test_concurrent_all_checks_every_constituency():
    """With concurrent "all" only the outvoted merchants fail; the others pass on their own."""
    result = tally_case(worked_case(weighting="quota", concurrent="all"))
    assert result.failed == ("bloc:merchant",)
    assert [bloc.passed for bloc in result.blocs.values()] == [True, True, False]


def test_bloc_passed_uses_the_same_base_within_the_constituency():
    """A bloc's own test counts by the rule's base: 3 yes of 5 seats is not more than 2/3."""
    case = worked_case(base="entitled", threshold={"op": ">", "value": "1/2"}, concurrent="all")
    result = tally_case(case)
    # community 7/12, street 3/5, merchant 1/8
    assert [bloc.passed for bloc in result.blocs.values()] == [True, True, False]
    case["rule"]["threshold"] = {"op": ">", "value": "3/5"}
    assert tally_case(case).failed == (
        "threshold",
        "bloc:community",
        "bloc:street",
        "bloc:merchant",
    )


def test_every_failure_is_listed_in_order():
    """Quorum, threshold, concurrent blocs and headcount are all reported, in that order."""
    case = worked_case(
        weighting="quota",
        threshold={"op": ">", "value": "4/5"},
        quorum={"op": ">", "value": "9/10"},
        concurrent=["merchant", "community"],
        headcount_too=True,
    )
    result = tally_case(case)
    assert result.failed == ("quorum", "threshold", "bloc:community", "bloc:merchant", "headcount")
    assert result.explanation.count("；") == 4


def test_bloc_weighting_drops_a_constituency_with_no_base_without_rescaling():
    """Under bloc a constituency with no base carries nothing; the base is the other shares."""
    case = bloc_case()
    case["votes"]["officials"] = {"abstain": 2}
    result = tally_case(case)
    assert result.base == F(3, 4)
    assert result.abstain == 0
    assert result.yes == F(2, 5) * F(4, 5) + F(7, 20) * F(3, 8)
    assert result.ratio == result.yes / F(3, 4)


def test_bases_present_and_entitled_count_silence_and_absence_against():
    """Base present divides by the present weight, base entitled by the whole body."""
    present = tally_case(worked_case(weighting="quota", base="present"))
    assert present.base == F(10, 30) + F(4, 25) + F(6, 20)
    entitled = tally_case(worked_case(weighting="quota", base="entitled"))
    assert entitled.base == 1
    assert entitled.ratio == F(121, 300)
    assert entitled.failed == ("threshold",)


def test_headcount_too_passes_when_both_majorities_hold():
    """A double majority passes when the weighted and the headcount tests both hold."""
    result = tally_case(worked_case(weighting="quota", headcount_too=True))
    assert result.passed
    assert (
        result.explanation
        == "表决通过：赞成占 121/228，超过 1/2；按人数计赞成占 11/19，超过 1/2；出席 20/25。"
    )


def test_missing_entries_mean_zero():
    """A constituency missing from present and votes has nobody present and no ballots."""
    case = worked_case()
    del case["present"]["street"], case["votes"]["street"]
    result = tally_case(case)
    assert result.blocs["street"].present == 0
    assert result.yes == 8


def test_exact_numbers_are_the_same_whatever_their_spelling():
    """Spellings "2/5", "0.4", 0.4 and Fraction(2, 5) are exactly 2/5; 0.1 is exactly 1/10."""
    assert {parse_fraction(x) for x in ("2/5", "0.4", 0.4, F(2, 5), " 4/10 ")} == {F(2, 5)}
    assert parse_fraction(0.1) == F(1, 10)
    assert parse_fraction(1) == 1


def test_float_shares_add_up_exactly():
    """Shares 0.1, 0.2 and 0.7 add up to exactly 1, although 0.1 + 0.2 + 0.7 != 1.0 as floats."""
    case = worked_case(weighting="quota")
    for constituency, share in zip(case["constituencies"], (0.1, 0.2, 0.7), strict=True):
        constituency["share"] = share
    assert tally_case(case).base == F(1, 10) * 9 / 12 + F(2, 10) * 4 / 5 + F(7, 10) * 6 / 8


def test_count_takes_dataclasses_directly():
    """The web app can call count() with dataclasses and gets the same count as the JSON path."""
    constituencies = [
        Constituency("community", 12, F(2, 5)),
        Constituency("street", 5, F(1, 5)),
        Constituency("merchant", 8, F(2, 5)),
    ]
    votes = {"community": Ballots(7, 2, 1), "street": Ballots(3, 1), "merchant": Ballots(1, 5)}
    present = {"community": 10, "street": 4, "merchant": 6}
    result = count(constituencies, present, votes, Rule(weighting="quota"), locale="en")
    assert result.ratio == F(121, 228)
    assert result.explanation.startswith("Passed:")


def test_count_checks_dataclass_inputs_too():
    """count() refuses present > seats even when called without the JSON parser."""
    with pytest.raises(TallyInputError, match="present for 'a': 3 is more than its 2 seats"):
        count([Constituency("a", 2)], {"a": 3}, {}, Rule())
    with pytest.raises(TallyInputError, match="value must be a fraction from 0 to 1"):
        Test(">", F(3, 2))
    with pytest.raises(ValueError, match="locale"):
        count([Constituency("a", 2)], {}, {}, Rule(), locale="fr")


# --- every bad input, with its message -----------------------------------------------------------


def _set(path, value):
    """Return a change that sets worked_case()[path...] to value."""

    def change(case):
        *parents, last = path
        target = case
        for key in parents:
            target = target[key]
        target[last] = value

    return change


def _delete(path):
    """Return a change that deletes worked_case()[path...]."""

    def change(case):
        *parents, last = path
        target = case
        for key in parents:
            target = target[key]
        del target[last]

    return change


BAD_INPUTS = [
    (_set(("present", "merchnt"), 1), 'present: unknown constituency "merchnt"'),
    (_set(("votes", "x"), {"yes": 1}), 'votes: unknown constituency "x"'),
    (
        _set(("constituencies", 1, "id"), "community"),
        "constituencies: 'community' is listed twice",
    ),
    (_set(("present", "merchant"), 9), "present for 'merchant': 9 is more than its 8 seats"),
    (
        _set(("votes", "merchant", "abstain"), 1),
        "votes for 'merchant': 7 ballots but only 6 present",
    ),
    (
        _set(("votes", "street", "no"), -1),
        "votes for 'street': no must be a whole number of at least 0, got -1",
    ),
    (
        _set(("present", "street"), -1),
        "present for 'street': count must be a whole number of at least 0, got -1",
    ),
    (
        _set(("constituencies", 0, "seats"), 12.0),
        "constituency 'community': seats must be a whole number of at least 1, got 12.0",
    ),
    (
        _set(("present", "street"), True),
        "present for 'street': count must be a whole number of at least 0, got true",
    ),
    (
        _set(("votes", "street", "yes"), "3"),
        "votes for 'street': yes must be a whole number of at least 0, got \"3\"",
    ),
    (
        _set(("constituencies", 1, "seats"), 0),
        "constituency 'street': seats must be a whole number of at least 1, got 0",
    ),
    (
        _delete(("constituencies", 1, "share")),
        "constituency 'street': weighting 'quota' needs a share for every constituency",
    ),
    (
        _set(("constituencies", 1, "share"), "1/10"),
        "constituencies: shares add up to 9/10, not 1 (weighting 'quota')",
    ),
    (
        _set(("constituencies", 1, "share"), "0"),
        "constituency 'street': share must be more than 0, got 0",
    ),
    (
        _set(("constituencies", 1, "share"), "-1/5"),
        "constituency 'street': share must be more than 0, got -1/5",
    ),
    (
        _set(("constituencies", 1, "share"), "one fifth"),
        'constituency \'street\': share: expected an exact number like "2/5" or "0.4", '
        'got "one fifth"',
    ),
    (
        _set(("constituencies", 1, "share"), "1/0"),
        "constituency 'street': share: \"1/0\" divides by zero",
    ),
    (
        _set(("constituencies", 1, "share"), "٣/٥"),
        'constituency \'street\': share: expected an exact number like "2/5" or "0.4", got "٣/٥"',
    ),
    (
        _set(("constituencies", 1, "share"), "2e-1"),
        'constituency \'street\': share: expected an exact number like "2/5" or "0.4", got "2e-1"',
    ),
    (
        _set(("rule", "weighting"), "seats"),
        'rule: weighting must be one of seat, quota, bloc, got "seats"',
    ),
    (
        _set(("rule", "base"), "all"),
        'rule: base must be one of cast, voted, present, entitled, got "all"',
    ),
    (
        _set(("rule", "threshold"), {"op": "=>", "value": "1/2"}),
        'rule.threshold: op must be ">" or ">=", got "=>"',
    ),
    (
        _set(("rule", "threshold"), {"op": ">", "value": "3/2"}),
        "rule.threshold: value must be a fraction from 0 to 1, got 3/2",
    ),
    (
        _set(("rule", "quorum"), {"op": ">", "value": -0.5}),
        "rule.quorum: value must be a fraction from 0 to 1, got -1/2",
    ),
    (
        _set(("rule", "threshold"), {"op": ">"}),
        "rule.threshold: missing key 'value'",
    ),
    (
        _set(("rule", "threshold"), "1/2"),
        "rule.threshold: must be a JSON object, got a string",
    ),
    (
        _set(("rule", "majority"), "simple"),
        'rule: unknown key "majority" (expected weighting, base, threshold, quorum, '
        "bloc_quorum, concurrent, headcount_too)",
    ),
    (
        _set(("rule", "concurrent"), "merchant"),
        'rule: concurrent must be "none", "all" or a list of constituency ids, got "merchant"',
    ),
    (
        _set(("rule", "concurrent"), ["merchants"]),
        'rule.concurrent: unknown constituency "merchants"',
    ),
    (
        _set(("rule", "headcount_too"), "yes"),
        'rule: headcount_too must be true or false, got "yes"',
    ),
    (_set(("rule",), []), "rule: must be a JSON object, got an array"),
    (
        _set(("constituencies", 0, "seat"), 12),
        "constituency 'community': unknown key \"seat\" (expected id, seats, share, name)",
    ),
    (_delete(("constituencies", 0, "seats")), "constituency 'community': missing key 'seats'"),
    (
        _set(("constituencies", 0, "id"), 7),
        "constituencies[0]: id must be a non-empty string, got 7",
    ),
    (
        _set(("constituencies", 0), "community"),
        "constituencies[0]: must be a JSON object, got a string",
    ),
    (_set(("constituencies",), {}), "constituencies: must be a JSON array, got an object"),
    (_set(("constituencies",), []), "constituencies: there are none"),
    (_set(("present",), [10, 4, 6]), "present: must be a JSON object, got an array"),
    (
        _set(("votes", "street"), {"yes": 3, "against": 1}),
        "votes for 'street': unknown key \"against\" (expected yes, no, abstain)",
    ),
    (_delete(("votes",)), "case: missing key 'votes'"),
    (
        _set(("rules",), {}),
        'case: unknown key "rules" (expected constituencies, present, votes, rule, recused)',
    ),
]


@pytest.mark.parametrize(("change", "message"), BAD_INPUTS, ids=[m for _, m in BAD_INPUTS])
def test_bad_input_is_refused_with_its_message(change, message):
    """Each bad input raises TallyInputError with a message that names the problem exactly."""
    case = copy.deepcopy(worked_case(weighting="quota"))
    change(case)
    with pytest.raises(TallyInputError) as raised:
        tally_case(case)
    assert str(raised.value) == message


@pytest.mark.parametrize("data", [[], "case", None, 3])
def test_a_case_that_is_not_an_object_is_refused(data):
    """The case itself must be a JSON object."""
    with pytest.raises(TallyInputError, match="^case: must be a JSON object"):
        parse_case(data)


def test_shares_must_add_up_under_bloc_too():
    """Bloc weighting, like quota, needs shares adding up to exactly 1."""
    case = bloc_case()
    case["constituencies"][2]["share"] = "1/5"
    with pytest.raises(TallyInputError, match="shares add up to 19/20, not 1"):
        tally_case(case)


def test_shares_are_not_needed_by_seat_weighting():
    """Seat weighting counts without shares and does not ask them to add up."""
    case = worked_case()
    for constituency in case["constituencies"]:
        del constituency["share"]
    assert tally_case(case).ratio == F(11, 19)
