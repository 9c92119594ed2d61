"""Every UI string goes through gettext and has an English translation."""

from pathlib import Path

from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}


def _extracted() -> set[str]:
    method_map = [("app/**.py", "python"), ("app/templates/**.html", "jinja2")]
    messages = set()
    for _file, _line, message, _comments, _context in extract_from_dir(
        str(ROOT), method_map, keywords=KEYWORDS
    ):
        messages.add(message if isinstance(message, str) else message[0])
    return messages


def test_english_catalog_translates_every_string():
    """No msgid in the code lacks an English translation (or is left fuzzy)."""
    with open(ROOT / "app/translations/en/LC_MESSAGES/messages.po", "rb") as f:
        catalog = read_po(f)
    translated = {
        (m.id if isinstance(m.id, str) else m.id[0])
        for m in catalog
        if m.id
        and m.string
        and (m.string if isinstance(m.string, str) else m.string[0])
        and not m.fuzzy
    }
    missing = sorted(_extracted() - translated)
    assert not missing, f"{len(missing)} strings without English: {missing[:20]}"


def test_wtforms_own_messages_follow_the_language_from_one_loaded_catalog(app):
    """WTForms' built-in messages are in the reader's language, from a catalog loaded once."""
    from flask import request
    from flask_wtf import FlaskForm
    from wtforms import StringField
    from wtforms.validators import InputRequired

    from app.web import forms

    class Named(FlaskForm):
        name = StringField(validators=[InputRequired()])

    messages = {}
    for language in ("zh", "en"):
        for _ in range(2):
            with app.test_request_context(
                "/", method="POST", headers={"Cookie": f"lianxi_lang={language}"}
            ):
                app.preprocess_request()
                form = Named(meta={"csrf": False})
                assert not form.validate()
                messages[language] = form.name.errors[0]
                assert request.wtforms_translations is forms._catalog(language)
    assert messages == {"zh": "该字段是必填字段。", "en": "This field is required."}
