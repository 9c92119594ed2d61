"""Voting-rule presets (表决规则) as people name them, and a rule said in plain Chinese words.

Plain data and functions with no Flask import: the body's rule page and the motion form both
offer ``PRESETS``, turn one into a rule dict (docs/counting.md) with :func:`rule_for_preset`,
and show any rule to people with :func:`describe_rule`.

The presets::

    majority           过半数        seat, cast, yes > 1/2
    two_thirds         三分之二多数  seat, cast, yes >= 2/3
    three_quarters     四分之三多数  seat, cast, yes >= 3/4
    double_majority    双过半        seat, present, yes > 1/2, quorum > 1/2
    merchant_consent   商户界别同意  seat, cast, yes > 1/2, and the protected constituencies
                                     (those whose share is a minimum quota, else those named
                                     商户 / merchant) must each pass on their own ballots

Every text meant for people is marked with ``N_`` so Babel extracts it; callers pass their
``gettext`` to the functions that build sentences (the default leaves the Chinese as it is).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from fractions import Fraction

from app.counting.tally import TallyInputError, parse_case

Gettext = Callable[[str], str]


def N_(text: str) -> str:  # noqa: N802 — Babel's conventional marker name
    """Mark ``text`` for translation without translating it here."""
    return text


def _same(text: str) -> str:
    return text


class PresetError(ValueError):
    """A preset that does not fit this body; ``msgid`` is the Chinese reason to translate."""

    def __init__(self, msgid: str) -> None:
        super().__init__(msgid)
        self.msgid = msgid


@dataclass(frozen=True)
class Preset:
    """A rule as people know it: a name (e.g. 过半数), one plain line, and the rule itself."""

    key: str
    label: str
    explanation: str
    rule: dict


_THRESHOLD_HALF = {"op": ">", "value": "1/2"}

PRESETS: dict[str, Preset] = {
    preset.key: preset
    for preset in (
        Preset(
            "majority",
            N_("过半数"),
            N_("赞成票超过赞成票与反对票合计的一半即通过，弃权不计。"),
            {"weighting": "seat", "base": "cast", "threshold": dict(_THRESHOLD_HALF)},
        ),
        Preset(
            "two_thirds",
            N_("三分之二多数"),
            N_("赞成票达到赞成票与反对票合计的三分之二才通过，用于较重要的事项。"),
            {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "2/3"}},
        ),
        Preset(
            "three_quarters",
            N_("四分之三多数"),
            N_("赞成票达到赞成票与反对票合计的四分之三才通过，用于重大事项。"),
            {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "3/4"}},
        ),
        Preset(
            "double_majority",
            N_("双过半"),
            N_("出席的席位超过全体席位的一半，并且赞成票超过出席席位的一半，才通过。"),
            {
                "weighting": "seat",
                "base": "present",
                "threshold": dict(_THRESHOLD_HALF),
                "quorum": dict(_THRESHOLD_HALF),
            },
        ),
        Preset(
            "merchant_consent",
            N_("商户界别同意"),
            N_("整体过半数，同时商户界别自己也要过半数同意，小商户不会被其他界别压过。"),
            {
                "weighting": "seat",
                "base": "cast",
                "threshold": dict(_THRESHOLD_HALF),
                "concurrent": [],  # filled from the body by rule_for_preset
            },
        ),
    )
}

_MERCHANT_WORDS = ("商户", "merchant", "shanghu")


def protected_keys(constituencies: Iterable) -> list[str]:
    """The constituencies a 商户界别同意 rule protects, in listing order.

    Those whose share is a minimum quota; when none is marked, those whose key or name says
    商户 / merchant. ``constituencies`` are objects with ``key``, ``name`` and
    ``share_is_minimum`` (the Constituency model).
    """
    listed = list(constituencies)
    marked = [c.key for c in listed if c.share_is_minimum]
    if marked:
        return marked
    return [
        c.key
        for c in listed
        if any(word in f"{c.key} {c.name}".lower() for word in _MERCHANT_WORDS)
    ]


def rule_for_preset(name: str, body) -> dict:
    """Return a fresh rule dict for the preset ``name`` (its key or its Chinese label).

    Only 商户界别同意 depends on the body: its ``concurrent`` lists :func:`protected_keys`.
    Raise PresetError when the name is unknown or the body has no constituency to protect.
    """
    preset = PRESETS.get(name) or next((p for p in PRESETS.values() if p.label == name), None)
    if preset is None:
        raise PresetError(N_("没有这个规则，请从列表中选择。"))
    rule = _copy(preset.rule)
    if preset.key == "merchant_consent":
        keys = protected_keys(body.constituencies)
        if not keys:
            raise PresetError(
                N_("本会议没有标为“最低配额”或名为“商户”的界别，不能使用“商户界别同意”。")
            )
        rule["concurrent"] = keys
    return rule


def match_preset(rule: dict, body) -> str | None:
    """The key of the preset that gives exactly ``rule`` for this body, or None (advanced)."""
    wanted = normalize_rule(rule)
    for key in PRESETS:
        try:
            if normalize_rule(rule_for_preset(key, body)) == wanted:
                return key
        except PresetError:
            continue
    return None


def normalize_rule(rule: dict) -> dict:
    """The rule with defaults filled in and fractions reduced, so equal rules compare equal."""
    normal = {
        "weighting": rule.get("weighting", "seat"),
        "base": rule.get("base", "cast"),
        "threshold": _normal_test(rule.get("threshold") or _THRESHOLD_HALF),
        "quorum": _normal_test(rule.get("quorum")),
        "bloc_quorum": _normal_test(rule.get("bloc_quorum")),
        "concurrent": rule.get("concurrent", "none"),
        "headcount_too": bool(rule.get("headcount_too", False)),
    }
    if isinstance(normal["concurrent"], list | tuple):
        normal["concurrent"] = list(normal["concurrent"]) or "none"
    return normal


def _normal_test(test: dict | None) -> dict | None:
    if not test:
        return None
    return {"op": test["op"], "value": str(Fraction(str(test["value"])))}


def _copy(rule: dict) -> dict:
    return {
        key: (dict(value) if isinstance(value, dict) else list(value))
        if isinstance(value, dict | list)
        else value
        for key, value in rule.items()
    }


# --- a rule in plain words --------------------------------------------------------------------

_WEIGHTING = {
    "seat": N_("每个席位一票"),
    "quota": N_("按界别配额计票（每个界别全部出席时正好占它的份额）"),
    "bloc": N_("按界别整体计票（每个界别按它的份额算，不论出席多少）"),
}
_BASE = {
    "cast": N_("赞成票与反对票合计"),
    "voted": N_("全部投票（弃权也算在内）"),
    "present": N_("出席的席位（不投票的也算在内）"),
    "entitled": N_("全体席位"),
}
_OP = {">": N_("超过"), ">=": N_("达到")}
_DIGITS = "零一二三四五六七八九十"


def fraction_words(value: str | Fraction, gettext: Gettext = _same) -> str:
    """Say a fraction as people do: 1/2 is 一半, 2/3 is 三分之二, 3/5 is 五分之三."""
    translate = gettext  # not called as gettext(...): Babel would extract its argument
    fraction = Fraction(str(value))
    if fraction == Fraction(1, 2):
        return translate(N_("一半"))
    if fraction == 1:
        return translate(N_("全部"))
    p, q = fraction.numerator, fraction.denominator
    if q <= 10:
        # Chinese says small fractions in words (三分之二); a translation that drops 分之 (the
        # English "%(p)s/%(q)s") gets figures, not Chinese numerals inside an English sentence.
        template = translate(N_("%(q)s分之%(p)s"))
        if "分之" in template:
            return template % {"q": _DIGITS[q], "p": _DIGITS[p]}
        return template % {"q": q, "p": p}
    return translate(N_("%(q)s 分之 %(p)s")) % {"q": q, "p": p}


def describe_rule(rule: dict, body=None, gettext: Gettext = _same) -> str:
    """Say a rule in one plain Chinese sentence (translated through ``gettext``).

    Example: seat, cast, > 1/2 → "每个席位一票；赞成票超过赞成票与反对票合计的一半即通过。"
    With ``body`` the concurrent constituencies are named by their names instead of their keys.
    """
    translate = gettext
    rule = normalize_rule(rule)
    threshold = rule["threshold"]
    parts = [
        translate(_WEIGHTING[rule["weighting"]]),
        translate(N_("赞成票%(op)s%(base)s的%(value)s即通过"))
        % {
            "op": translate(_OP[threshold["op"]]),
            "base": translate(_BASE[rule["base"]]),
            "value": fraction_words(threshold["value"], translate),
        },
    ]
    if rule["quorum"]:
        parts.append(
            translate(N_("须有%(op)s全体席位%(value)s的成员出席"))
            % _test_words(rule["quorum"], translate)
        )
    if rule["bloc_quorum"]:
        parts.append(
            translate(N_("每个界别都须有%(op)s本界别席位%(value)s的成员出席"))
            % _test_words(rule["bloc_quorum"], translate)
        )
    concurrent = rule["concurrent"]
    if concurrent == "all":
        parts.append(translate(N_("每个界别也都要各自达到同样的比例")))
    elif isinstance(concurrent, list):
        names = _names(concurrent, body)
        parts.append(
            translate(N_("%(names)s界别也要各自达到同样的比例"))
            % {"names": translate(N_("、")).join(names)}
        )
    if rule["headcount_too"]:
        parts.append(translate(N_("按人数计也要达到同样的比例")))
    return translate(N_("；")).join(parts) + translate(N_("。"))


def _test_words(test: dict, translate: Gettext) -> dict:
    return {"op": translate(_OP[test["op"]]), "value": fraction_words(test["value"], translate)}


def _names(keys: list[str], body) -> list[str]:
    if body is None:
        return list(keys)
    by_key = {c.key: c.name for c in body.constituencies}
    return [by_key.get(key, key) for key in keys]


# --- checking a rule against a body -----------------------------------------------------------


@dataclass(frozen=True)
class RuleProblem:
    """Why a rule cannot be used for a body, tied to the form field it concerns."""

    field: str
    msgid: str
    params: dict

    def say(self, gettext: Gettext = _same) -> str:
        """The reason in plain words, translated by ``gettext`` (lists joined by its "、")."""
        text = gettext(self.msgid)
        if not self.params:
            return text
        comma = gettext(N_("、"))
        joined = {
            key: comma.join(value) if isinstance(value, list) else value
            for key, value in self.params.items()
        }
        return text % joined


def check_rule(rule: dict, constituencies: Iterable) -> RuleProblem | None:
    """Return the first reason ``rule`` cannot count this body's votes, or None when it can.

    The plain-words checks come first (shares needed and adding up to 1 under quota or bloc
    weighting, at least one concurrent constituency when a list is chosen); then the counting
    engine's own parser must accept a case of the body with no votes, so whatever it refuses
    is refused here too.
    """
    listed = list(constituencies)
    if not listed:
        return RuleProblem("weighting", N_("请先添加界别，再设置表决规则。"), {})
    weighting = rule.get("weighting", "seat")
    if weighting in ("quota", "bloc"):
        missing = [c.name for c in listed if not c.share]
        if missing:
            return RuleProblem(
                "weighting",
                N_("按配额或按界别计票，需要每个界别都有份额，“%(names)s”还没有填写份额。"),
                {"names": missing},
            )
        total = sum((Fraction(c.share) for c in listed), Fraction(0))
        if total != 1:
            return RuleProblem(
                "weighting",
                N_("按配额或按界别计票，各界别份额加起来要正好是 1，现在是 %(total)s。"),
                {"total": str(total)},
            )
    if isinstance(rule.get("concurrent"), list) and not rule["concurrent"]:
        return RuleProblem("concurrent", N_("请至少勾选一个要单独通过的界别。"), {})
    case = {
        "constituencies": [
            {"id": c.key, "seats": c.seats, **({"share": c.share} if c.share else {})}
            for c in listed
        ],
        "present": {},
        "votes": {},
        "rule": rule,
    }
    try:
        parse_case(case)
    except TallyInputError as error:
        return RuleProblem(
            "weighting", N_("这个规则无法用来计票：%(detail)s"), {"detail": str(error)}
        )
    return None
