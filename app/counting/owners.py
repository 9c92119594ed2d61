"""The count of an owners' decision (业主共同决定) by Civil Code art. 278, per docs/counting.md.

Pure Python, no Flask and no database: the web app, ``flask tally`` (a case holding ``units``)
and the tests all call :func:`count_owners` (or :func:`tally_owners_case` on a JSON-shaped case).
Areas are exact :class:`~fractions.Fraction`s (a Decimal such as ``89.47`` converts exactly); no
float ever touches a count.

The rules (最高人民法院 建筑物区分所有权解释 arts. 8–9 and art. 278, 2nd paragraph):

* owners are counted by unit, one unit one owner, except that every unit of one ``owner`` key
  counts once: the app gives all units of one buyer, and all units the developer still holds, the
  same key. An owner's area is the sum of their units' areas;
* each owner casts at most one ballot, covering all their units;
* participation holds when the participating area AND the participating owners are each at least
  2/3 of the totals in scope (abstentions take part);
* approval is measured against the participating area and owners (abstention counts against):
  ``ordinary`` matters need more than 1/2 of each, ``major`` matters at least 3/4 of each;
* a body may set a stricter ``participation`` or ``threshold`` test, never a looser one; nobody
  who did not vote is ever deemed to agree.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from fractions import Fraction

from app.counting.tally import (
    LOCALES,
    TallyInputError,
    Test,
    _context,
    _keys,
    _object,
    _show,
    parse_fraction,
)

MATTERS = ("ordinary", "major")
CHOICES = ("yes", "no", "abstain")
CASE_KEYS = ("units", "ballots", "rule")
RULE_KEYS = ("matter", "participation", "threshold")
FAILURES = ("participation_area", "participation_owners", "threshold_area", "threshold_owners")

#: The law's participation test: "参与表决…占比三分之二以上" (以上 includes the bound).
LAW_PARTICIPATION = Test(">=", Fraction(2, 3))
#: The law's approval tests: ordinary "过半数" is strictly more than half; major "四分之三以上".
LAW_THRESHOLD = {"ordinary": Test(">", Fraction(1, 2)), "major": Test(">=", Fraction(3, 4))}


@dataclass(frozen=True)
class Unit:
    """A unit (专有部分) in scope: its id, its exact area in m² and its counting owner's key."""

    id: str
    area: Fraction
    owner: str

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise TallyInputError(f"id must be a non-empty string, got {_show(self.id)}")
        if not isinstance(self.area, Fraction) or self.area <= 0:
            raise TallyInputError(f"area must be a positive exact number, got {_show(self.area)}")
        if not isinstance(self.owner, str) or not self.owner:
            raise TallyInputError(f"owner must be a non-empty string, got {_show(self.owner)}")


def at_least_as_strict(test: Test, law: Test) -> bool:
    """Whether ``test`` refuses all that ``law`` refuses (a local rule may be stricter, not looser).

    ``> v`` and ``>= v`` are compared on their bound: a higher bound is stricter; at an equal
    bound ``>`` is stricter than ``>=``.
    """
    if test.value != law.value:
        return test.value > law.value
    return test.op == ">" or law.op == ">="


@dataclass(frozen=True)
class OwnersRule:
    """The matter class and any stricter local tests (业主大会议事规则), for area and headcount."""

    matter: str = "ordinary"
    participation: Test | None = None
    threshold: Test | None = None

    def __post_init__(self) -> None:
        if self.matter not in MATTERS:
            raise TallyInputError(
                f"matter must be one of {', '.join(MATTERS)}, got {_show(self.matter)}"
            )
        for name, law in (
            ("participation", LAW_PARTICIPATION),
            ("threshold", LAW_THRESHOLD.get(self.matter)),
        ):
            test = getattr(self, name)
            if test is None:
                continue
            if not isinstance(test, Test):
                raise TallyInputError(f"{name} must be a test or absent")
            if not at_least_as_strict(test, law):
                raise TallyInputError(
                    f"{name} {test.op} {test.value} is looser than the law's "
                    f"{law.op} {law.value} for {self.matter} matters"
                )

    @property
    def participation_test(self) -> Test:
        """The participation test that applies: the local one, else the law's."""
        return self.participation or LAW_PARTICIPATION

    @property
    def threshold_test(self) -> Test:
        """The approval test that applies: the local one, else the law's for the matter."""
        return self.threshold or LAW_THRESHOLD[self.matter]


@dataclass(frozen=True)
class Tallies:
    """Owners (a whole number) or area (a fraction of m²): in scope, taking part and per choice."""

    total: int | Fraction
    participating: int | Fraction
    yes: int | Fraction
    no: int | Fraction
    abstain: int | Fraction

    def to_json(self, exact: bool) -> dict:
        """Whole numbers as ints (owners) or every figure as a reduced "p/q" string (area)."""
        fields = ("total", "participating", "yes", "no", "abstain")
        return {f: str(getattr(self, f)) if exact else getattr(self, f) for f in fields}


@dataclass(frozen=True)
class OwnersResult:
    """The outcome of an owners' decision, with every figure the 公示 publishes."""

    passed: bool
    participation_met: bool
    owners: Tallies
    area: Tallies
    participation_owners: Fraction
    participation_area: Fraction
    yes_owners: Fraction | None
    yes_area: Fraction | None
    failed: tuple[str, ...]
    rule: OwnersRule
    explanation: str

    @property
    def approval_met(self) -> bool:
        """Whether both approval tests held."""
        return not {"threshold_area", "threshold_owners"} & set(self.failed)

    def to_json(self) -> dict:
        """The shape docs/counting.md gives: fractions as reduced "p/q", null for no ratio."""
        return {
            "passed": self.passed,
            "participation_met": self.participation_met,
            "owners": self.owners.to_json(exact=False),
            "area": self.area.to_json(exact=True),
            "ratios": {
                "participation_owners": str(self.participation_owners),
                "participation_area": str(self.participation_area),
                "yes_owners": _text(self.yes_owners),
                "yes_area": _text(self.yes_area),
            },
            "failed": list(self.failed),
            "explanation": self.explanation,
        }


def owner_areas(units: Sequence[Unit]) -> dict[str, Fraction]:
    """Each counting owner's area in scope: the sum of their units' areas (one owner per key)."""
    areas: dict[str, Fraction] = {}
    for unit in units:
        areas[unit.owner] = areas.get(unit.owner, Fraction(0)) + unit.area
    return areas


def check_owners(units: Sequence[Unit], ballots: Mapping[str, str]) -> None:
    """Raise TallyInputError unless unit ids are unique, there is a unit, and every ballot fits.

    A ballot must come from an owner who holds a unit in scope and carry yes, no or abstain.
    """
    if not units:
        raise TallyInputError("units: there are none in scope")
    seen: set[str] = set()
    for unit in units:
        if unit.id in seen:
            raise TallyInputError(f"units: {unit.id!r} is listed twice")
        seen.add(unit.id)
    owners = {unit.owner for unit in units}
    for owner, choice in ballots.items():
        if owner not in owners:
            raise TallyInputError(f"ballots: owner {_show(owner)} holds no unit in scope")
        if choice not in CHOICES:
            raise TallyInputError(
                f"ballots: choice of {owner!r} must be one of {', '.join(CHOICES)}, "
                f"got {_show(choice)}"
            )


def count_owners(
    units: Sequence[Unit],
    ballots: Mapping[str, str],
    rule: OwnersRule,
    locale: str = "zh",
) -> OwnersResult:
    """Count an owners' decision: participation and approval, each by area and by headcount.

    ``failed`` lists, in this order, whichever of participation_area, participation_owners,
    threshold_area and threshold_owners did not hold; the decision passes when none failed. Every
    test is counted even when participation fails, so the notice can say how the vote went.
    """
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {', '.join(LOCALES)}, got {locale!r}")
    check_owners(units, ballots)
    areas = owner_areas(units)
    by_choice = {choice: [o for o, c in ballots.items() if c == choice] for choice in CHOICES}
    owners = Tallies(
        total=len(areas),
        participating=len(ballots),
        **{choice: len(keys) for choice, keys in by_choice.items()},
    )
    area = Tallies(
        total=sum(areas.values(), Fraction(0)),
        participating=sum((areas[o] for o in ballots), Fraction(0)),
        **{c: sum((areas[o] for o in keys), Fraction(0)) for c, keys in by_choice.items()},
    )
    participation_owners = Fraction(owners.participating, owners.total)
    participation_area = area.participating / area.total
    yes_owners = _ratio(owners.yes, owners.participating)
    yes_area = _ratio(area.yes, area.participating)
    taking_part, approving = rule.participation_test, rule.threshold_test
    checks = {
        "participation_area": taking_part.holds(participation_area),
        "participation_owners": taking_part.holds(participation_owners),
        "threshold_area": approving.holds(yes_area),
        "threshold_owners": approving.holds(yes_owners),
    }
    failed = tuple(name for name in FAILURES if not checks[name])
    participation_met = checks["participation_area"] and checks["participation_owners"]
    ratios = {
        "participation_area": participation_area,
        "participation_owners": participation_owners,
        "threshold_area": yes_area,
        "threshold_owners": yes_owners,
    }
    return OwnersResult(
        passed=not failed,
        participation_met=participation_met,
        owners=owners,
        area=area,
        participation_owners=participation_owners,
        participation_area=participation_area,
        yes_owners=yes_owners,
        yes_area=yes_area,
        failed=failed,
        rule=rule,
        explanation=_explain(locale, rule, checks, ratios),
    )


# --- reading a JSON-shaped case ---------------------------------------------------------------


def parse_owners_case(data: object) -> tuple[list[Unit], dict[str, str], OwnersRule]:
    """Validate a JSON-shaped owners' case; raise TallyInputError naming the problem in one line.

    The case is an object with ``units`` (required), ``ballots`` and ``rule`` (both required);
    a case that also holds ``constituencies`` is refused: it cannot be both kinds of count.
    """
    with _context("case"):
        case = _object(data)
        if "constituencies" in case:
            raise TallyInputError(
                "holds both units and constituencies: an owners' case or a seated one, not both"
            )
        _keys(case, required=CASE_KEYS)
    with _context("units"):
        raw_units = case["units"]
        if not isinstance(raw_units, list):
            raise TallyInputError(f"must be a JSON array, got {_show(raw_units)}")
    units = [_parse_unit(raw, index) for index, raw in enumerate(raw_units)]
    with _context("ballots"):
        ballots = dict(_object(case["ballots"]))
    rule = _parse_rule(case["rule"])
    check_owners(units, ballots)
    return units, ballots, rule


def tally_owners_case(data: object, locale: str = "zh") -> OwnersResult:
    """Validate a JSON-shaped owners' case and count it; what ``flask tally`` calls on ``units``."""
    units, ballots, rule = parse_owners_case(data)
    return count_owners(units, ballots, rule, locale)


def _parse_unit(raw: object, index: int) -> Unit:
    where = f"units[{index}]"
    with _context(where):
        fields = _object(raw)
    if isinstance(fields.get("id"), str) and fields["id"]:
        where = f"unit {fields['id']!r}"
    with _context(where):
        _keys(fields, required=("id", "area", "owner"))
        with _context("area"):
            if isinstance(fields["area"], str) and "/" in fields["area"]:
                raise TallyInputError(
                    f"must be a decimal number of m², got {_show(fields['area'])}"
                )
            area = parse_fraction(fields["area"])
        return Unit(id=fields["id"], area=area, owner=fields["owner"])


def _parse_rule(raw: object) -> OwnersRule:
    with _context("rule"):
        fields = dict(_object(raw))
        _keys(fields, required=("matter",), optional=RULE_KEYS[1:])
        for key in RULE_KEYS[1:]:
            if fields.get(key) is not None:
                with _context(key):
                    test = _object(fields[key])
                    _keys(test, required=("op", "value"))
                    with _context("value"):
                        value = parse_fraction(test["value"])
                    fields[key] = Test(test["op"], value)
        return OwnersRule(**fields)


# --- the sentence read out and printed on the notice -------------------------------------------

_PHRASES = {
    "zh": {
        "passed": "表决通过：{}。",
        "failed": "未通过：{}。",
        "and": "；",
        "participation_area": "参与表决的专有部分面积占 {ratio}，{test}",
        "participation_owners": "参与表决人数占 {ratio}，{test}",
        "threshold_area": "同意的面积占参与表决面积的 {ratio}，{test}",
        "threshold_owners": "同意的人数占参与表决人数的 {ratio}，{test}",
        "nobody": "无人参与表决",
        ">": "超过 {}",
        ">=": "达到 {}",
        "not >": "未超过 {}",
        "not >=": "未达到 {}",
    },
    "en": {
        "passed": "Passed: {}.",
        "failed": "Not passed: {}.",
        "and": "; ",
        "participation_area": "owners of {ratio} of the area took part, {test}",
        "participation_owners": "{ratio} of the owners took part, {test}",
        "threshold_area": "yes holds {ratio} of the participating area, {test}",
        "threshold_owners": "yes is {ratio} of the participating owners, {test}",
        "nobody": "nobody took part",
        ">": "more than {}",
        ">=": "at least {}",
        "not >": "not more than {}",
        "not >=": "less than {}",
    },
}


def _explain(
    locale: str,
    rule: OwnersRule,
    checks: Mapping[str, bool],
    ratios: Mapping[str, Fraction | None],
) -> str:
    say = _PHRASES[locale]
    failed = [name for name in FAILURES if not checks[name]]
    shown = failed or list(FAILURES)
    parts = []
    for name in shown:
        test = rule.participation_test if name.startswith("participation") else rule.threshold_test
        ratio = ratios[name]
        if ratio is None:
            if say["nobody"] not in parts:
                parts.append(say["nobody"])
            continue
        phrase = say[test.op if checks[name] else f"not {test.op}"].format(test.value)
        parts.append(say[name].format(ratio=ratio, test=phrase))
    return say["failed" if failed else "passed"].format(say["and"].join(parts))


def _ratio(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    return Fraction(part) / whole if whole else None


def _text(value: Fraction | None) -> str | None:
    return None if value is None else str(value)
