"""English reads as English: no Chinese in the catalog, counts through ngettext, no glue.

No code glues text together with Chinese punctuation ("、".join, f"{a}：{b}") outside the catalog.
"""

import ast
import re
from pathlib import Path

from babel.messages.pofile import read_po
from flask_babel import gettext

from app.counting import presets
from tests.factories import make_body, make_convener
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


#: Python code that glues text with Chinese punctuation on purpose, with the reason. Everything
#: else must take its punctuation from the catalog (_("、"), _("："), _("（%(text)s）")…).
CHINESE_BY_DESIGN = {
    "app/demo.py": "the demo's own data, stored as if people had typed it",
    "app/followup/reminders.py": "the escalation agenda item is stored text of the body's agenda",
    "app/lists/rules.py": "a batch's motion text is stored and voted on as written",
    "app/voting/amendments.py": "the mover/seconder line becomes part of a resolution's text",
}
CHINESE_PUNCTUATION = re.compile(r"[、，。：；（）！？]")


def _glued_with_chinese_punctuation(path: Path) -> list[str]:
    """Joins, f-strings and concatenations in ``path`` that put Chinese punctuation in text."""
    source = path.read_text()
    found = []
    for node in ast.walk(ast.parse(source)):
        pieces = []
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
            if node.func.attr == "join" and isinstance(node.func.value, ast.Constant):
                pieces = [node.func.value.value]
        elif isinstance(node, ast.JoinedStr):
            pieces = [v.value for v in node.values if isinstance(v, ast.Constant)]
        elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            pieces = [
                x.value
                for x in (node.left, node.right)
                if isinstance(x, ast.Constant) and not re.search(r"[\u4e00-\u9fff]", str(x.value))
            ]
        if any(isinstance(p, str) and CHINESE_PUNCTUATION.search(p) for p in pieces):
            found.append(
                f"{path.relative_to(ROOT)}:{node.lineno}: {ast.get_source_segment(source, node)}"
            )
    return found


def test_no_code_glues_text_with_chinese_punctuation():
    """Joining with "、", f"{a}：{b}" or "（" + x + "）" leak Chinese punctuation into English."""
    bad = []
    for path in sorted((ROOT / "app").rglob("*.py")):
        if str(path.relative_to(ROOT)) not in CHINESE_BY_DESIGN:
            bad += _glued_with_chinese_punctuation(path)
    assert not bad, "\n".join(bad)


def _bare_template_text(source: str) -> str:
    """A template with its tags, expressions and comments blanked out (line breaks kept)."""
    bare = re.sub(
        r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}",
        lambda m: "\n" * m.group(0).count("\n"),
        source,
        flags=re.S,
    )
    # What is Chinese on purpose is marked so (lang="zh"): the language switch's 中文.
    return re.sub(r'(lang="zh[^"]*"[^>]*>)[^<]*', r"\1", bare)


def test_no_template_writes_chinese_outside_gettext():
    """Punctuation between expressions ("：", "（…）", "、") goes through _() like any text."""
    bad = []
    for path in sorted((ROOT / "app/templates").rglob("*.html")):
        bare = _bare_template_text(path.read_text())
        for number, line in enumerate(bare.splitlines(), start=1):
            if CJK.search(line):
                bad.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert not bad, "\n".join(bad)


def test_the_minimum_quota_error_lists_names_the_english_way(ctx, client, login_as):
    """Constituencies are listed with ", " in English and "、" in Chinese, nothing mixed."""
    body = make_body(
        constituencies=[("a", 1, "2/5", True), ("b", 1, "2/5", True), ("c", 1, "1/5", False)],
        holders=False,
    )
    login_as(make_convener(body))
    url = f"/b/{body.slug}/apportion?total=3"
    chinese = client.get(url, headers={"HX-Request": "true"}).text
    assert "最低配额无法同时满足：a 2、b 2 席" in chinese
    domain = (client.application.config.get("SERVER_NAME") or "localhost").split(":")[0]
    client.set_cookie("lianxi_lang", "en", domain=domain)
    english = client.get(url, headers={"HX-Request": "true"}).text
    sentence = english[english.index("The minimum quotas") :].split("<")[0]
    assert "they ask for a 2, b 2, 4 in all" in sentence
    assert not CJK.search(sentence), sentence


def test_rule_sentences_and_problems_list_names_the_english_way(app, ctx):
    """The rule's sentence and the rule checker join names with the reader's list comma."""
    body = make_body(
        constituencies=[("商户", 2, None, False), ("居民", 2, None, False)], holders=False
    )
    quota = {"weighting": "quota", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}
    concurrent = {
        "weighting": "seat",
        "base": "cast",
        "threshold": {"op": ">", "value": "1/2"},
        "concurrent": ["商户", "居民"],
    }
    with app.test_request_context(headers={"Cookie": "lianxi_lang=en"}):
        problem = presets.check_rule(quota, body.constituencies).say(gettext)
        sentence = presets.describe_rule(presets.normalize_rule(concurrent), body, gettext)
    assert "商户, 居民" in problem and "、" not in problem
    assert "商户, 居民" in sentence and "、" not in sentence
