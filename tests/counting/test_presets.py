"""Voting-rule presets and their plain-words descriptions, tested without a client."""

from types import SimpleNamespace

import pytest

from app.counting import presets
from app.counting.presets import PRESETS, PresetError, describe_rule, rule_for_preset
from app.counting.tally import parse_case


def _body(*constituencies):
    """A stand-in body: constituencies as (key, name, minimum) tuples."""
    return SimpleNamespace(
        constituencies=[
            SimpleNamespace(key=key, name=name, share_is_minimum=minimum, seats=4)
            for key, name, minimum in constituencies
        ]
    )


MAJORITY = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}
HUAXING = _body(("jiequ", "街区", False), ("shequ", "社区", False), ("shanghu", "商户", True))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("majority", MAJORITY),
        ("过半数", MAJORITY),
        (
            "two_thirds",
            {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "2/3"}},
        ),
        (
            "三分之二多数",
            {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "2/3"}},
        ),
        (
            "three_quarters",
            {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "3/4"}},
        ),
        (
            "双过半",
            {
                "weighting": "seat",
                "base": "present",
                "threshold": {"op": ">", "value": "1/2"},
                "quorum": {"op": ">", "value": "1/2"},
            },
        ),
        (
            "商户界别同意",
            {
                "weighting": "seat",
                "base": "cast",
                "threshold": {"op": ">", "value": "1/2"},
                "concurrent": ["shanghu"],
            },
        ),
    ],
)
def test_presets_give_the_rules_people_mean(name, expected):
    """Each preset, by key or by its Chinese name, gives exactly the rule counting.md describes."""
    assert rule_for_preset(name, HUAXING) == expected


def test_every_preset_is_a_rule_the_counting_engine_accepts():
    """The tally's own parser takes every preset's rule for a real body."""
    for key in PRESETS:
        rule = rule_for_preset(key, HUAXING)
        case = {
            "constituencies": [{"id": c.key, "seats": 4} for c in HUAXING.constituencies],
            "present": {},
            "votes": {},
            "rule": rule,
        }
        parse_case(case)


def test_rule_for_preset_returns_a_fresh_copy():
    """Changing a returned rule does not change the preset."""
    rule = rule_for_preset("majority", HUAXING)
    rule["threshold"]["value"] = "9/10"
    assert PRESETS["majority"].rule["threshold"]["value"] == "1/2"


def test_merchant_consent_falls_back_to_the_constituency_named_merchant():
    """Without a minimum quota, the constituency called 商户 is the protected one."""
    body = _body(("community", "社区", False), ("merchant", "商户代表", False))
    assert rule_for_preset("merchant_consent", body)["concurrent"] == ["merchant"]


def test_merchant_consent_refused_when_nobody_to_protect():
    """A body with no minimum quota and no merchants cannot use 商户界别同意."""
    body = _body(("a", "业委会", False), ("b", "物业", False))
    with pytest.raises(PresetError, match="商户"):
        rule_for_preset("merchant_consent", body)


def test_unknown_preset_is_refused():
    """A made-up preset name raises PresetError instead of guessing a rule."""
    with pytest.raises(PresetError):
        rule_for_preset("simple", HUAXING)


def test_describe_simple_majority():
    """The default rule reads as one plain sentence."""
    rule = rule_for_preset("majority", HUAXING)
    assert describe_rule(rule) == "每个席位一票；赞成票超过赞成票与反对票合计的一半即通过。"


def test_describe_double_majority_and_merchant_consent():
    """Quorum, thresholds and protected constituencies (by name) are all said."""
    assert describe_rule(rule_for_preset("双过半", HUAXING)) == (
        "每个席位一票；赞成票超过出席的席位（不投票的也算在内）的一半即通过；"
        "须有超过全体席位一半的成员出席。"
    )
    text = describe_rule(rule_for_preset("商户界别同意", HUAXING), HUAXING)
    assert text.endswith("商户界别也要各自达到同样的比例。")


def test_describe_advanced_rule():
    """Quota weighting, ≥ 2/3, bloc quorum, all concurrent and headcount are all said."""
    rule = {
        "weighting": "quota",
        "base": "voted",
        "threshold": {"op": ">=", "value": "0.6"},
        "bloc_quorum": {"op": ">", "value": "1/2"},
        "concurrent": "all",
        "headcount_too": True,
    }
    assert describe_rule(rule) == (
        "按界别配额计票（每个界别全部出席时正好占它的份额）；"
        "赞成票达到全部投票（弃权也算在内）的五分之三即通过；"
        "每个界别都须有超过本界别席位一半的成员出席；每个界别也都要各自达到同样的比例；"
        "按人数计也要达到同样的比例。"
    )


def test_describe_uses_the_given_gettext():
    """The sentence goes through the caller's gettext, piece by piece."""
    text = describe_rule(rule_for_preset("majority", HUAXING), gettext=lambda s: f"<{s}>")
    assert text.startswith("<每个席位一票><；>")


def test_fraction_words():
    """Fractions are said the way people say them."""
    assert presets.fraction_words("1/2") == "一半"
    assert presets.fraction_words("0.75") == "四分之三"
    assert presets.fraction_words("7/20") == "20 分之 7"


def test_match_preset_recognises_a_preset_and_not_an_advanced_rule():
    """A stored rule equal to a preset (defaults filled in) is recognised; others are not."""
    stored = {"threshold": {"op": ">", "value": "0.5"}}
    assert presets.match_preset(stored, HUAXING) == "majority"
    assert presets.match_preset({"weighting": "quota"}, HUAXING) is None


def test_fraction_words_in_a_translation_without_chinese_numerals():
    """A translation that writes fractions as p/q gets figures, never 二/三 (issue 20)."""
    english = {"%(q)s分之%(p)s": "%(p)s/%(q)s"}
    words = presets.fraction_words("2/3", lambda s: english.get(s, s))
    assert words == "2/3"
