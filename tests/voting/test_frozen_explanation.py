"""The frozen vote sentence is shown in the reader's language, the figures unchanged."""

from app.counting.tally import tally_case
from app.voting.labels import frozen_explanation

CASE = {
    "constituencies": [{"id": "shanghu", "seats": 4}, {"id": "jumin", "seats": 4}],
    "present": {"shanghu": 4, "jumin": 3},
    "votes": {"shanghu": {"yes": 3, "no": 1}, "jumin": {"yes": 2, "no": 1}},
    "rule": {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}},
}


def _frozen(locale: str) -> dict:
    return {**CASE, "result": tally_case(CASE, locale).to_json()}


def test_a_chinese_sentence_is_said_again_in_english():
    """Frozen in Chinese, read in English: the engine says it from the frozen case."""
    english = frozen_explanation(_frozen("zh"), "en")
    assert english == tally_case(CASE, "en").explanation and english.startswith("Passed")


def test_the_frozen_sentence_stays_when_the_language_matches_or_the_case_is_unreadable():
    """Same language: the frozen words; a broken case: the frozen words, never an error."""
    frozen = _frozen("zh")
    assert frozen_explanation(frozen, "zh") == frozen["result"]["explanation"]
    broken = {"result": frozen["result"]}
    assert frozen_explanation(broken, "en") == frozen["result"]["explanation"]
    assert frozen_explanation(None, "en") == ""
