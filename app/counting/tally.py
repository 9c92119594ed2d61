"""The count of one motion by seat quotas (按席位配额计票), exactly as docs/counting.md states it.

Pure Python, no Flask and no database: the web app, the ``flask tally`` command and the tests all
call :func:`count` (or :func:`tally_case` on a JSON-shaped case). Every weight is a
:class:`~fractions.Fraction`; no float ever touches a count, so 7/15 of a vote stays 7/15.

The rules, in the order docs/counting.md gives them:

* a seat of constituency c weighs 1 (``seat``), share_c / seats_c (``quota``) or share_c / base_c
  (``bloc``, where base_c is c's own base count; a constituency whose base is 0 carries nothing
  and the shares of the others are not rescaled);
* the base is yes+no (``cast``), yes+no+abstain (``voted``), the present seats (``present``) or
  all seats (``entitled``), each weighed as above;
* a seat that stands aside (回避, ``recused``) counts as present for the quorum and the bloc
  quorum, casts no ballot and is left out of the ``present`` and ``entitled`` bases;
* the threshold compares yes / base with ``>`` or ``>=``; a zero base fails, a tie against ``>``
  fails;
* the quorum is by headcount: present seats / all seats; the bloc quorum is the same test within
  every constituency;
* a concurrent constituency must pass the threshold on its own ballots (same base, by headcount
  within it); with ``headcount_too`` the threshold must also hold when every seat weighs 1.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from fractions import Fraction

WEIGHTINGS = ("seat", "quota", "bloc")
BASES = ("cast", "voted", "present", "entitled")
OPS = (">", ">=")
LOCALES = ("zh", "en")
HALF = Fraction(1, 2)
CASE_KEYS = ("constituencies", "present", "votes", "rule")
OPTIONAL_CASE_KEYS = ("recused",)
RULE_KEYS = (
    "weighting",
    "base",
    "threshold",
    "quorum",
    "bloc_quorum",
    "concurrent",
    "headcount_too",
)
CHOICES = ("yes", "no", "abstain")

# Plain decimals and p/q only: Fraction() itself would also take "1e999999999", which takes
# minutes to expand, and "nan", which is no number at all.
_EXACT_NUMBER = re.compile(r"[+-]?(\d+/\d+|\d+(\.\d+)?|\.\d+)", re.ASCII)


class TallyInputError(ValueError):
    """The inputs of a count are not valid; the message names the problem in one line."""


@dataclass(frozen=True)
class Test:
    """A test ``ratio op value``: "more than half" is ``>`` 1/2, "at least 2/3" is ``>=`` 2/3."""

    __test__ = False  # a domain class, not a pytest test class

    op: str
    value: Fraction

    def __post_init__(self) -> None:
        if self.op not in OPS:
            raise TallyInputError(f'op must be ">" or ">=", got {_show(self.op)}')
        if not isinstance(self.value, Fraction) or not 0 <= self.value <= 1:
            raise TallyInputError(f"value must be a fraction from 0 to 1, got {_show(self.value)}")

    def holds(self, ratio: Fraction | None) -> bool:
        """Whether ``ratio op value``; a ratio of None (a zero base) never holds."""
        if ratio is None:
            return False
        return ratio > self.value if self.op == ">" else ratio >= self.value


@dataclass(frozen=True)
class Constituency:
    """A constituency (界别): its seats and, under quota or bloc weighting, its share of weight."""

    id: str
    seats: int
    share: Fraction | None = None
    name: str | None = None

    def __post_init__(self) -> None:
        if not isinstance(self.id, str) or not self.id:
            raise TallyInputError(f"id must be a non-empty string, got {_show(self.id)}")
        _whole(self.seats, "seats", least=1)
        if self.share is not None and (not isinstance(self.share, Fraction) or self.share <= 0):
            raise TallyInputError(f"share must be more than 0, got {_show(self.share)}")
        if self.name is not None and not isinstance(self.name, str):
            raise TallyInputError(f"name must be a string, got {_show(self.name)}")


@dataclass(frozen=True)
class Ballots:
    """The ballots (选票) of one constituency: how many of its seats voted yes, no and abstain."""

    yes: int = 0
    no: int = 0
    abstain: int = 0

    def __post_init__(self) -> None:
        for choice in CHOICES:
            _whole(getattr(self, choice), choice, least=0)

    @property
    def total(self) -> int:
        """How many seats voted at all."""
        return self.yes + self.no + self.abstain


@dataclass(frozen=True)
class Rule:
    """How a motion is decided; the defaults are docs/counting.md's (seat, cast, more than half)."""

    weighting: str = "seat"
    base: str = "cast"
    threshold: Test = Test(">", HALF)
    quorum: Test | None = None
    bloc_quorum: Test | None = None
    concurrent: str | tuple[str, ...] = "none"
    headcount_too: bool = False

    def __post_init__(self) -> None:
        if self.weighting not in WEIGHTINGS:
            raise TallyInputError(_one_of("weighting", WEIGHTINGS, self.weighting))
        if self.base not in BASES:
            raise TallyInputError(_one_of("base", BASES, self.base))
        if not isinstance(self.threshold, Test):
            raise TallyInputError("threshold must be a test")
        for test in (self.quorum, self.bloc_quorum):
            if test is not None and not isinstance(test, Test):
                raise TallyInputError("quorum and bloc_quorum must be tests or absent")
        if isinstance(self.concurrent, tuple):
            for position, cid in enumerate(self.concurrent):
                if not isinstance(cid, str):
                    raise TallyInputError(f"concurrent ids must be strings, got {_show(cid)}")
                if cid in self.concurrent[:position]:
                    raise TallyInputError(f"concurrent lists {cid!r} twice")
        elif self.concurrent not in ("none", "all"):
            raise TallyInputError(
                f'concurrent must be "none", "all" or a list of constituency ids, '
                f"got {_show(self.concurrent)}"
            )
        if not isinstance(self.headcount_too, bool):
            raise TallyInputError(
                f"headcount_too must be true or false, got {_show(self.headcount_too)}"
            )


@dataclass(frozen=True)
class Case:
    """The four inputs of one count, validated."""

    constituencies: tuple[Constituency, ...]
    present: Mapping[str, int]
    votes: Mapping[str, Ballots]
    rule: Rule
    #: Present seats that stand aside (回避) per constituency; None when the case has no such key.
    recused: Mapping[str, int] | None = None


@dataclass(frozen=True)
class BlocResult:
    """One constituency's own headcounts, its own threshold test and its own quorum test."""

    present: int
    yes: int
    no: int
    abstain: int
    passed: bool
    quorum_met: bool
    recused: int = 0


@dataclass(frozen=True)
class TallyResult:
    """The outcome of a count: weighted totals, what failed and a sentence to read out."""

    passed: bool
    quorum_met: bool
    yes: Fraction
    no: Fraction
    abstain: Fraction
    base: Fraction
    ratio: Fraction | None
    failed: tuple[str, ...]
    blocs: Mapping[str, BlocResult]
    explanation: str
    #: Whether the case carried ``recused``: only then does the result list the recused seats.
    with_recusal: bool = False

    def to_json(self) -> dict:
        """Return docs/counting.md's shape: fractions as reduced "p/q", whole numbers as "p".

        A case that carried ``recused`` also gets ``recused``: the seats that stood aside per
        constituency (a case without it prints exactly as before).
        """
        shape = {
            "passed": self.passed,
            "quorum_met": self.quorum_met,
            "yes": str(self.yes),
            "no": str(self.no),
            "abstain": str(self.abstain),
            "base": str(self.base),
            "ratio": None if self.ratio is None else str(self.ratio),
            "failed": list(self.failed),
            "blocs": {
                cid: {
                    "present": bloc.present,
                    "yes": bloc.yes,
                    "no": bloc.no,
                    "abstain": bloc.abstain,
                    "passed": bloc.passed,
                    "quorum_met": bloc.quorum_met,
                }
                for cid, bloc in self.blocs.items()
            },
            "explanation": self.explanation,
        }
        if self.with_recusal:
            shape["recused"] = {cid: bloc.recused for cid, bloc in self.blocs.items()}
        return shape


# --- reading a JSON-shaped case ---------------------------------------------------------------


def parse_fraction(value: object) -> Fraction:
    """Read an exact number: "2/5", "0.4", 0.4 and Fraction(2, 5) are all exactly 2/5.

    A float is read through its shortest decimal text, so 0.4 is 2/5 and not the binary number
    0.40000000000000002220446049250313080847263336181640625.
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return Fraction(value)
    if isinstance(value, float) and math.isfinite(value):
        return Fraction(str(value))
    if isinstance(value, str) and _EXACT_NUMBER.fullmatch(value.strip()):
        try:
            return Fraction(value.strip())
        except ZeroDivisionError:
            raise TallyInputError(f"{_show(value)} divides by zero") from None
    raise TallyInputError(f'expected an exact number like "2/5" or "0.4", got {_show(value)}')


def parse_case(data: object) -> Case:
    """Validate a JSON-shaped case and return its inputs; raise TallyInputError naming the problem.

    The case is an object with the keys constituencies, present, votes and rule, and optionally
    recused. A constituency missing from present, votes or recused has 0 present, 0 ballots or
    0 recused seats; a missing choice in a constituency's votes is 0.
    """
    with _context("case"):
        case = _object(data)
        _keys(case, required=CASE_KEYS, optional=OPTIONAL_CASE_KEYS)
    with _context("constituencies"):
        raw_constituencies = case["constituencies"]
        if not isinstance(raw_constituencies, list):
            raise TallyInputError(f"must be a JSON array, got {_kind(raw_constituencies)}")
    constituencies = tuple(
        _parse_constituency(raw, index) for index, raw in enumerate(raw_constituencies)
    )
    with _context("present"):
        present = dict(_object(case["present"]))
    with _context("votes"):
        raw_votes = _object(case["votes"])
    votes = {cid: _parse_ballots(raw, cid) for cid, raw in raw_votes.items()}
    rule = _parse_rule(case["rule"])
    recused = None
    if "recused" in case:
        with _context("recused"):
            recused = dict(_object(case["recused"]))
    check(constituencies, present, votes, rule, recused)
    return Case(constituencies, present, votes, rule, recused)


def _parse_constituency(raw: object, index: int) -> Constituency:
    where = f"constituencies[{index}]"
    with _context(where):
        fields = _object(raw)
    if isinstance(fields.get("id"), str) and fields["id"]:
        where = f"constituency {fields['id']!r}"
    with _context(where):
        _keys(fields, required=("id", "seats"), optional=("share", "name"))
        share = fields.get("share")
        return Constituency(
            id=fields["id"],
            seats=fields["seats"],
            share=None if share is None else _parse_number("share", share),
            name=fields.get("name"),
        )


def _parse_ballots(raw: object, cid: str) -> Ballots:
    with _context(f"votes for {cid!r}"):
        choices = _object(raw)
        _keys(choices, optional=CHOICES)
        return Ballots(**choices)


def _parse_rule(raw: object) -> Rule:
    with _context("rule"):
        fields = dict(_object(raw))
        _keys(fields, optional=RULE_KEYS)
    if "threshold" in fields:
        fields["threshold"] = _parse_test(fields["threshold"], "rule.threshold")
    for key in ("quorum", "bloc_quorum"):
        if fields.get(key) is not None:
            fields[key] = _parse_test(fields[key], f"rule.{key}")
    if isinstance(fields.get("concurrent"), list):
        fields["concurrent"] = tuple(fields["concurrent"])
    with _context("rule"):
        return Rule(**fields)


def _parse_test(raw: object, where: str) -> Test:
    with _context(where):
        fields = _object(raw)
        _keys(fields, required=("op", "value"))
        return Test(fields["op"], _parse_number("value", fields["value"]))


def _parse_number(key: str, value: object) -> Fraction:
    with _context(key):
        return parse_fraction(value)


# --- counting ---------------------------------------------------------------------------------


def check(
    constituencies: Sequence[Constituency],
    present: Mapping[str, int],
    votes: Mapping[str, Ballots],
    rule: Rule,
    recused: Mapping[str, int] | None = None,
) -> None:
    """Raise TallyInputError unless the inputs fit together.

    Ids are unique and known; 0 ≤ present ≤ seats; 0 ≤ recused ≤ present; yes + no + abstain
    ≤ present − recused; under quota or bloc weighting every constituency has a share and the
    shares add up to exactly 1.
    """
    recused = recused or {}
    seats: dict[str, int] = {}
    for constituency in constituencies:
        if constituency.id in seats:
            raise TallyInputError(f"constituencies: {constituency.id!r} is listed twice")
        seats[constituency.id] = constituency.seats
    if not seats:
        raise TallyInputError("constituencies: there are none")
    named = {"present": present, "votes": votes, "recused": recused}
    if isinstance(rule.concurrent, tuple):
        named["rule.concurrent"] = rule.concurrent
    for where, ids in named.items():
        for cid in ids:
            if cid not in seats:
                raise TallyInputError(f"{where}: unknown constituency {_show(cid)}")
    for cid, attending in present.items():
        with _context(f"present for {cid!r}"):
            _whole(attending, "count", least=0)
            if attending > seats[cid]:
                raise TallyInputError(f"{attending} is more than its {seats[cid]} seats")
    for cid, standing_aside in recused.items():
        with _context(f"recused for {cid!r}"):
            _whole(standing_aside, "count", least=0)
            if standing_aside > present.get(cid, 0):
                raise TallyInputError(
                    f"{standing_aside} is more than its {present.get(cid, 0)} present seats"
                )
    for cid, ballots in votes.items():
        if ballots.total > present.get(cid, 0):
            raise TallyInputError(
                f"votes for {cid!r}: {ballots.total} ballots but only {present.get(cid, 0)} present"
            )
        if ballots.total > present.get(cid, 0) - recused.get(cid, 0):
            raise TallyInputError(
                f"votes for {cid!r}: {ballots.total} ballots but only "
                f"{present.get(cid, 0) - recused.get(cid, 0)} present seats that did not "
                "stand aside"
            )
    if rule.weighting != "seat":
        for constituency in constituencies:
            if constituency.share is None:
                raise TallyInputError(
                    f"constituency {constituency.id!r}: weighting {rule.weighting!r} "
                    "needs a share for every constituency"
                )
        total = sum(constituency.share for constituency in constituencies)
        if total != 1:
            raise TallyInputError(
                f"constituencies: shares add up to {total}, not 1 (weighting {rule.weighting!r})"
            )


def own_base(
    base: str, constituency: Constituency, present: int, ballots: Ballots, recused: int = 0
) -> int:
    """Return a constituency's own base by headcount: yes+no, ballots, present or all seats.

    Seats that stand aside (回避) are left out of the ``present`` and ``entitled`` bases.
    """
    return {
        "cast": ballots.yes + ballots.no,
        "voted": ballots.total,
        "present": present - recused,
        "entitled": constituency.seats - recused,
    }[base]


def seat_weight(rule: Rule, constituency: Constituency, base: int) -> Fraction:
    """Return what one seat of the constituency weighs; ``base`` is its own base (for bloc)."""
    if rule.weighting == "seat":
        return Fraction(1)
    if rule.weighting == "quota":
        return constituency.share / constituency.seats
    return constituency.share / base if base else Fraction(0)


def count(
    constituencies: Sequence[Constituency],
    present: Mapping[str, int],
    votes: Mapping[str, Ballots],
    rule: Rule,
    locale: str = "zh",
    recused: Mapping[str, int] | None = None,
) -> TallyResult:
    """Count one motion: weighted totals, every test of the rule, and a sentence to read out.

    The motion passes when the quorum and every bloc quorum are met, the threshold holds, every
    concurrent constituency passes on its own ballots and, with headcount_too, the threshold
    also holds by headcount. ``failed`` lists what did not, in that order: "quorum",
    "threshold", "bloc:<id>" (in listing order), "headcount". Every test is counted, so a
    motion short of its quorum still says whether the threshold held.

    ``recused`` (docs/counting.md, "Recusal"): present seats that stand aside count towards
    the quorum and the bloc quorum, cast no ballot, and are left out of the ``present`` and
    ``entitled`` bases; seat weights do not change. None means no seat stood aside, and the
    result then prints exactly as a case without ``recused``.
    """
    if locale not in LOCALES:
        raise ValueError(f"locale must be one of {', '.join(LOCALES)}, got {locale!r}")
    with_recusal = recused is not None
    recused = recused or {}
    check(constituencies, present, votes, rule, recused)
    attending = {c.id: present.get(c.id, 0) for c in constituencies}
    aside = {c.id: recused.get(c.id, 0) for c in constituencies}
    ballots = {c.id: votes.get(c.id, Ballots()) for c in constituencies}
    bases = {
        c.id: own_base(rule.base, c, attending[c.id], ballots[c.id], aside[c.id])
        for c in constituencies
    }
    weights = {c.id: seat_weight(rule, c, bases[c.id]) for c in constituencies}
    yes = sum((weights[cid] * b.yes for cid, b in ballots.items()), Fraction(0))
    no = sum((weights[cid] * b.no for cid, b in ballots.items()), Fraction(0))
    abstain = sum((weights[cid] * b.abstain for cid, b in ballots.items()), Fraction(0))
    base = sum((weights[cid] * bases[cid] for cid in bases), Fraction(0))
    ratio = _ratio(yes, base)
    headcount = _ratio(sum(b.yes for b in ballots.values()), sum(bases.values()))

    blocs = {
        c.id: BlocResult(
            present=attending[c.id],
            yes=ballots[c.id].yes,
            no=ballots[c.id].no,
            abstain=ballots[c.id].abstain,
            passed=rule.threshold.holds(_ratio(ballots[c.id].yes, bases[c.id])),
            quorum_met=_met(rule.bloc_quorum, _ratio(attending[c.id], c.seats)),
            recused=aside[c.id],
        )
        for c in constituencies
    }
    attendance = (sum(attending.values()), sum(c.seats for c in constituencies))
    body_quorum_met = _met(rule.quorum, _ratio(*attendance))
    quorum_met = body_quorum_met and all(bloc.quorum_met for bloc in blocs.values())
    concurrent = [c.id for c in constituencies if _is_concurrent(rule, c.id)]

    failed = []
    if not quorum_met:
        failed.append("quorum")
    if not rule.threshold.holds(ratio):
        failed.append("threshold")
    failed += [f"bloc:{cid}" for cid in concurrent if not blocs[cid].passed]
    if rule.headcount_too and not rule.threshold.holds(headcount):
        failed.append("headcount")

    explanation = _Explanation(locale, rule, constituencies, blocs, bases).sentence(
        failed, ratio, headcount, attendance, body_quorum_met, sum(aside.values())
    )
    return TallyResult(
        passed=not failed,
        quorum_met=quorum_met,
        yes=yes,
        no=no,
        abstain=abstain,
        base=base,
        ratio=ratio,
        failed=tuple(failed),
        blocs=blocs,
        explanation=explanation,
        with_recusal=with_recusal,
    )


def tally_case(data: object, locale: str = "zh") -> TallyResult:
    """Validate a JSON-shaped case and count it; what ``flask tally`` and the web app call."""
    case = parse_case(data)
    return count(case.constituencies, case.present, case.votes, case.rule, locale, case.recused)


def _ratio(part: int | Fraction, whole: int | Fraction) -> Fraction | None:
    return Fraction(part) / whole if whole else None


def _met(test: Test | None, ratio: Fraction | None) -> bool:
    return test is None or test.holds(ratio)


def _is_concurrent(rule: Rule, cid: str) -> bool:
    return rule.concurrent == "all" or (
        isinstance(rule.concurrent, tuple) and cid in rule.concurrent
    )


# --- the sentence a convener reads out --------------------------------------------------------

_PHRASES = {
    "zh": {
        "passed": "表决通过：{}。",
        "failed": "未通过：{}。",
        "and": "；",
        "ratio": "赞成占 {ratio}，{test}",
        "headcount": "按人数计赞成占 {ratio}，{test}",
        "headcount_zero": "按人数计票基数为 0",
        "zero": "计票基数为 0",
        "attendance": "出席 {present}/{seats}",
        "quorum": "出席 {present}/{seats}，达到法定人数",
        "no_quorum": "出席 {present}/{seats}，{test}，不足法定人数",
        "no_bloc_quorum": "{label}出席 {present}/{seats}，{test}，不足本界别法定人数",
        "bloc_zero": "{label}计票基数为 0",
        "bloc_cast": "{label}赞成 {yes} 票、反对 {no} 票，{test}",
        "bloc_voted": "{label}赞成 {yes} 票、反对 {no} 票、弃权 {abstain} 票，{test}",
        "bloc_present": "{label}出席 {present} 席、赞成 {yes} 票，{test}",
        "bloc_entitled": "{label}共 {seats} 席、赞成 {yes} 票，{test}",
        ">": "超过 {}",
        ">=": "达到 {}",
        "not >": "未超过 {}",
        "not >=": "未达到 {}",
        "not > 1/2": "未过半",
        "recused": "{n} 席回避，不参加表决",
    },
    "en": {
        "passed": "Passed: {}.",
        "failed": "Not passed: {}.",
        "and": "; ",
        "ratio": "yes carries {ratio} of the base, {test}",
        "headcount": "by headcount yes carries {ratio}, {test}",
        "headcount_zero": "by headcount there is nothing to count",
        "zero": "there is nothing to count (the base is 0)",
        "attendance": "{present} of {seats} seats present",
        "quorum": "{present} of {seats} seats present, quorum met",
        "no_quorum": "{present} of {seats} seats present, {test}: no quorum",
        "no_bloc_quorum": "{label} has {present} of {seats} seats present, {test}: no quorum",
        "bloc_zero": "{label} has nothing to count (its base is 0)",
        "bloc_cast": "{label} voted {yes} yes and {no} no, {test}",
        "bloc_voted": "{label} voted {yes} yes, {no} no and {abstain} abstain, {test}",
        "bloc_present": "{label} gave {yes} yes of {present} present, {test}",
        "bloc_entitled": "{label} gave {yes} yes of its {seats} seats, {test}",
        ">": "more than {}",
        ">=": "at least {}",
        "not >": "not more than {}",
        "not >=": "less than {}",
        "not > 1/2": "not more than half",
        "recused": "{n} seat(s) stood aside and did not vote",
    },
}


class _Explanation:
    """Builds the one sentence that says the outcome and, when it failed, every reason."""

    def __init__(
        self,
        locale: str,
        rule: Rule,
        constituencies: Sequence[Constituency],
        blocs: Mapping[str, BlocResult],
        bases: Mapping[str, int],
    ) -> None:
        self.say = _PHRASES[locale]
        self.locale = locale
        self.rule = rule
        self.constituencies = {c.id: c for c in constituencies}
        self.blocs = blocs
        self.bases = bases

    def sentence(
        self,
        failed: Sequence[str],
        ratio: Fraction | None,
        headcount: Fraction | None,
        attendance: tuple[int, int],
        body_quorum_met: bool,
        recused: int = 0,
    ) -> str:
        """Say what passed, or every test that failed in the order of ``failed``.

        Seats that stood aside are said after the attendance (a passed motion) or at the end.
        """
        present, seats = attendance
        aside = [self.say["recused"].format(n=recused)] if recused else []
        if not failed:
            parts = [self._share("ratio", ratio)]
            if self.rule.headcount_too:
                parts.append(self._share("headcount", headcount))
            has_quorum = self.rule.quorum or self.rule.bloc_quorum
            phrase = self.say["quorum" if has_quorum else "attendance"]
            parts.append(phrase.format(present=present, seats=seats))
            return self.say["passed"].format(self.say["and"].join(parts + aside))
        parts = []
        for failure in failed:
            if failure == "quorum":
                parts += self._quorum_failures(attendance, body_quorum_met)
            elif failure == "threshold":
                parts.append(self._share("ratio", ratio))
            elif failure == "headcount":
                parts.append(self._share("headcount", headcount))
            else:
                parts.append(self._bloc_failure(failure.removeprefix("bloc:")))
        return self.say["failed"].format(self.say["and"].join(parts + aside))

    def _share(self, kind: str, ratio: Fraction | None) -> str:
        if ratio is None:
            return self.say["zero" if kind == "ratio" else "headcount_zero"]
        return self.say[kind].format(ratio=ratio, test=self._test(self.rule.threshold, ratio))

    def _quorum_failures(self, attendance: tuple[int, int], body_quorum_met: bool) -> list[str]:
        present, seats = attendance
        parts = []
        if not body_quorum_met:
            test = self._test(self.rule.quorum, _ratio(present, seats))
            parts.append(self.say["no_quorum"].format(present=present, seats=seats, test=test))
        for cid, bloc in self.blocs.items():
            if not bloc.quorum_met:
                own_seats = self.constituencies[cid].seats
                parts.append(
                    self.say["no_bloc_quorum"].format(
                        label=self._label(cid),
                        present=bloc.present,
                        seats=own_seats,
                        test=self._test(self.rule.bloc_quorum, _ratio(bloc.present, own_seats)),
                    )
                )
        return parts

    def _bloc_failure(self, cid: str) -> str:
        bloc = self.blocs[cid]
        if not self.bases[cid]:
            return self.say["bloc_zero"].format(label=self._label(cid))
        return self.say[f"bloc_{self.rule.base}"].format(
            label=self._label(cid),
            yes=bloc.yes,
            no=bloc.no,
            abstain=bloc.abstain,
            present=bloc.present - bloc.recused,
            seats=self.constituencies[cid].seats - bloc.recused,
            test=self._test(self.rule.threshold, _ratio(bloc.yes, self.bases[cid])),
        )

    def _test(self, test: Test, ratio: Fraction | None) -> str:
        if test.holds(ratio):
            return self.say[test.op].format(test.value)
        if test.op == ">" and test.value == HALF:
            return self.say["not > 1/2"]
        return self.say[f"not {test.op}"].format(test.value)

    def _label(self, cid: str) -> str:
        label = self.constituencies[cid].name or cid
        if self.locale == "zh" and not label.endswith("界别"):
            label += "界别"
        return label


# --- small helpers ------------------------------------------------------------------------------


@contextmanager
def _context(where: str) -> Iterator[None]:
    """Prefix any TallyInputError raised inside with where it happened."""
    try:
        yield
    except TallyInputError as exc:
        raise TallyInputError(f"{where}: {exc}") from None


def _object(value: object) -> dict:
    if not isinstance(value, dict):
        raise TallyInputError(f"must be a JSON object, got {_kind(value)}")
    return value


def _keys(fields: dict, required: Sequence[str] = (), optional: Sequence[str] = ()) -> None:
    for key in fields:
        if key not in required and key not in optional:
            expected = ", ".join((*required, *optional))
            raise TallyInputError(f"unknown key {_show(key)} (expected {expected})")
    for key in required:
        if key not in fields:
            raise TallyInputError(f"missing key {key!r}")


def _whole(value: object, what: str, least: int) -> None:
    # type() and not isinstance(): true is not 1 seat, and neither is 3.0
    if type(value) is not int or value < least:
        raise TallyInputError(
            f"{what} must be a whole number of at least {least}, got {_show(value)}"
        )


def _one_of(what: str, allowed: Sequence[str], value: object) -> str:
    return f"{what} must be one of {', '.join(allowed)}, got {_show(value)}"


def _kind(value: object) -> str:
    kinds = {dict: "an object", list: "an array", str: "a string", bool: "true/false"}
    kinds[type(None)] = "null"
    return kinds.get(type(value), "a number" if isinstance(value, int | float) else "a value")


def _show(value: object) -> str:
    if isinstance(value, dict | list):
        return _kind(value)
    try:
        text = json.dumps(value, ensure_ascii=False)
    except (TypeError, ValueError):
        text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."
