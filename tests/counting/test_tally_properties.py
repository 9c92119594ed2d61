"""Properties of the count that must hold for every case, checked with hypothesis."""

import copy
import json
from fractions import Fraction as F

from click.testing import CliRunner
from hypothesis import given, settings
from hypothesis import strategies as st

from app.counting.tally import BASES, WEIGHTINGS, TallyInputError, parse_fraction, tally_case
from app.voting.cli import tally

FRACTIONS = st.fractions(min_value=0, max_value=1, max_denominator=12)


@st.composite
def pass_tests(draw, at_full_attendance=False):
    """Draw a threshold or quorum test; with at_full_attendance, one that a ratio of 1 passes."""
    op = draw(st.sampled_from([">", ">="]))
    value = draw(FRACTIONS)
    if at_full_attendance and op == ">" and value == 1:
        op = ">="
    return {"op": op, "value": str(value)}


@st.composite
def rules(draw, ids, weightings=WEIGHTINGS, bases=BASES, at_full_attendance=False):
    """Draw a rule over the constituency ids."""
    rule = {
        "weighting": draw(st.sampled_from(weightings)),
        "base": draw(st.sampled_from(bases)),
        "threshold": draw(pass_tests(at_full_attendance)),
        "headcount_too": draw(st.booleans()),
        "concurrent": draw(
            st.one_of(st.sampled_from(["none", "all"]), st.lists(st.sampled_from(ids), unique=True))
        ),
    }
    for key in ("quorum", "bloc_quorum"):
        if draw(st.booleans()):
            rule[key] = draw(pass_tests(at_full_attendance))
    return rule


@st.composite
def cases(draw, unanimous=False, shares_by_seats=False, **rule_options):
    """Draw a valid JSON-shaped case; with unanimous, every seat is present and votes yes."""
    ids = [f"c{i}" for i in range(draw(st.integers(1, 4)))]
    seats = {cid: draw(st.integers(1, 8)) for cid in ids}
    if shares_by_seats:
        parts = seats
    else:
        parts = {cid: draw(st.integers(1, 6)) for cid in ids}
    constituencies = [
        {"id": cid, "seats": seats[cid], "share": str(F(parts[cid], sum(parts.values())))}
        for cid in ids
    ]
    present, votes = {}, {}
    for cid in ids:
        if unanimous:
            present[cid] = seats[cid]
            votes[cid] = {"yes": seats[cid]}
            continue
        present[cid] = draw(st.integers(0, seats[cid]))
        yes = draw(st.integers(0, present[cid]))
        no = draw(st.integers(0, present[cid] - yes))
        abstain = draw(st.integers(0, present[cid] - yes - no))
        votes[cid] = {"yes": yes, "no": no, "abstain": abstain}
    rule = draw(rules(ids, at_full_attendance=unanimous, **rule_options))
    return {"constituencies": constituencies, "present": present, "votes": votes, "rule": rule}


def counted(case: dict) -> dict:
    """Return the result's JSON without the sentence and with failures as a set."""
    result = tally_case(case).to_json()
    del result["explanation"]
    result["failed"] = set(result["failed"])
    return result


@given(cases(), st.randoms())
def test_result_does_not_depend_on_constituency_order(case, random):
    """Listing the constituencies in another order changes no count and no outcome."""
    shuffled = copy.deepcopy(case)
    random.shuffle(shuffled["constituencies"])
    assert counted(shuffled) == counted(case)


@given(cases(), st.data())
def test_a_yes_instead_of_an_abstention_never_fails_a_test(case, data):
    """Turning one abstention into a yes makes no test fail that held before.

    Under voted, present and entitled the base is unchanged and yes grows. Under cast the yes
    also enters the base, but (y + w) / (b + w) ≥ y / b since y ≤ b; under bloc a constituency
    whose base was 0 starts counting with ratio 1, which cannot lower the average. Bloc tests
    and the headcount test follow the same arithmetic, and the quorum does not move.
    """
    abstaining = [cid for cid, ballots in case["votes"].items() if ballots["abstain"]]
    if not abstaining:
        return
    cid = data.draw(st.sampled_from(abstaining))
    changed = copy.deepcopy(case)
    changed["votes"][cid]["abstain"] -= 1
    changed["votes"][cid]["yes"] += 1
    before, after = tally_case(case), tally_case(changed)
    assert set(after.failed) <= set(before.failed)
    assert after.passed or not before.passed


@given(cases(), st.data())
def test_a_yes_instead_of_a_no_never_fails_a_test(case, data):
    """Turning one no into a yes leaves every base alone and makes no test fail that held."""
    against = [cid for cid, ballots in case["votes"].items() if ballots["no"]]
    if not against:
        return
    cid = data.draw(st.sampled_from(against))
    changed = copy.deepcopy(case)
    changed["votes"][cid]["no"] -= 1
    changed["votes"][cid]["yes"] += 1
    assert set(tally_case(changed).failed) <= set(tally_case(case).failed)


@given(cases(shares_by_seats=True, weightings=["quota"]))
def test_quota_is_seat_scaled_when_shares_follow_the_seats(case):
    """With share = seats / all seats every seat weighs 1 / all seats: the seat count scaled."""
    total = sum(c["seats"] for c in case["constituencies"])
    by_seat = copy.deepcopy(case)
    by_seat["rule"]["weighting"] = "seat"
    quota, seat = tally_case(case), tally_case(by_seat)
    for field in ("yes", "no", "abstain", "base"):
        assert getattr(quota, field) == getattr(seat, field) / total
    assert (quota.ratio, quota.failed, quota.blocs) == (seat.ratio, seat.failed, seat.blocs)


@given(cases(weightings=["bloc"], bases=["entitled"]))
def test_bloc_is_quota_under_base_entitled(case):
    """Under base entitled a constituency's own base is its seats, so bloc weighs like quota."""
    as_quota = copy.deepcopy(case)
    as_quota["rule"]["weighting"] = "quota"
    assert tally_case(case).to_json() == tally_case(as_quota).to_json()


@given(cases(unanimous=True))
def test_unanimous_full_attendance_passes_every_threshold(case):
    """Every seat present and voting yes passes any rule whose tests a ratio of 1 can pass."""
    result = tally_case(case)
    assert result.ratio == 1
    assert result.passed, result.failed


@given(cases())
def test_the_base_is_made_of_the_ballots_it_names(case):
    """Under cast the base is weighted yes + no, under voted yes + no + abstain; yes ≤ base."""
    result = tally_case(case)
    base = case["rule"]["base"]
    if base == "cast":
        assert result.base == result.yes + result.no
    if base == "voted":
        assert result.base == result.yes + result.no + result.abstain
    assert result.yes <= result.base


@settings(max_examples=50, deadline=None)
@given(cases(), st.sampled_from(["zh", "en"]))
def test_the_command_and_the_module_agree(case, locale):
    """``flask tally -`` prints exactly what tally_case() returns, in the chosen language."""
    outcome = CliRunner().invoke(
        tally, ["-"], input=json.dumps(case), env={"LIANXI_LOCALE": locale}
    )
    assert outcome.exit_code == 0, outcome.stderr
    assert json.loads(outcome.stdout) == tally_case(case, locale).to_json()


JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers(-3, 30) | st.floats() | st.text(max_size=5),
    lambda children: (
        st.lists(children, max_size=3) | st.dictionaries(st.text(max_size=5), children, max_size=3)
    ),
    max_leaves=8,
)


def _paths(value, prefix=()):
    """Yield the path of every node of a JSON value."""
    yield prefix
    if isinstance(value, dict):
        for key, child in value.items():
            yield from _paths(child, (*prefix, key))
    elif isinstance(value, list):
        for index, child in enumerate(value):
            yield from _paths(child, (*prefix, index))


@given(cases(), st.data())
def test_any_corrupted_case_is_counted_or_refused_cleanly(case, data):
    """Replacing any part of a valid case by any JSON value gives a count or a TallyInputError."""
    path = data.draw(st.sampled_from(list(_paths(case))))
    replacement = data.draw(JSON_VALUES)
    if path:
        *parents, last = path
        target = case
        for key in parents:
            target = target[key]
        target[last] = replacement
    else:
        case = replacement
    try:
        tally_case(case)
    except TallyInputError as exc:
        assert "\n" not in str(exc)


@given(st.binary(max_size=200))
def test_the_command_never_shows_a_traceback(raw):
    """Whatever bytes arrive on stdin, the command prints a count or one error line, exit 2."""
    outcome = CliRunner().invoke(tally, ["-"], input=raw)
    assert outcome.exit_code in (0, 2)
    assert outcome.exception is None or isinstance(outcome.exception, SystemExit)
    if outcome.exit_code == 2:
        assert len(outcome.stderr.splitlines()) == 1


@given(st.decimals(0, 1000, allow_nan=False, allow_infinity=False, places=6))
def test_a_decimal_means_the_same_as_text_or_as_a_float(decimal):
    """A short decimal read from text or from a JSON float is exactly the same fraction."""
    text = format(decimal, "f")
    assert parse_fraction(text) == parse_fraction(float(text)) == F(text)
