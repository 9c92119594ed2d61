"""The English catalog reads as English: no Chinese inside it and every count through ngettext."""

import re
from pathlib import Path

from babel.messages.pofile import read_po

from tests.test_translations import _extracted

ROOT = Path(__file__).resolve().parent.parent
CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uff00-\uffef]")
#: A number followed by a noun in the plural: "%(n)s seconds" must come from ngettext.
COUNTED = re.compile(r"%\(\w+\)s (\w+s)\b")
#: Words after a number that are not plural nouns.
NOT_NOUNS = {"is", "was", "has", "its", "this", "yes", "as", "does", "goes", "us", "plus"}


def _used_entries():
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    used = _extracted()
    for message in catalog:
        key = message.id if isinstance(message.id, str) else message.id[0] if message.id else ""
        if key and key in used:
            yield message


def test_english_strings_hold_no_chinese_characters_or_punctuation():
    """No "。", "（by …）", "：" or Chinese word in English, except Chinese names given as e.g."""
    bad = []
    for message in _used_entries():
        strings = [message.string] if isinstance(message.string, str) else message.string
        for text in strings:
            if CJK.search(re.sub(r"e\.g\. .*", "", text)):
                bad.append(text)
    assert not bad, bad


def test_every_count_in_english_is_pluralised_by_ngettext():
    """A number followed by a plural noun is only allowed in an ngettext (plural) entry."""
    bad = [
        message.string
        for message in _used_entries()
        if isinstance(message.string, str)
        and any(w not in NOT_NOUNS for w in COUNTED.findall(message.string))
    ]
    assert not bad, bad
