"""Forms every area shares, and WTForms' own messages in the reader's language."""

import functools

from babel import support
from flask import Flask, request
from flask_babel import get_locale
from flask_wtf import FlaskForm
from wtforms.i18n import messages_path


class EmptyForm(FlaskForm):
    """A form that only carries the CSRF token, for one-button actions."""


def init_app(app: Flask) -> None:
    """Give every request WTForms' catalog of its language, read from disk once per language.

    Flask-WTF translates WTForms' built-in messages ("This field is required.") with a catalog
    it loads from disk on every request that builds a form (``flask_wtf.i18n``), a third of a
    millisecond each time — a tenth of a ballot. It looks for the catalog on the request first
    (``request.wtforms_translations``); this hook puts the one already loaded there.
    """

    @app.before_request
    def wtforms_catalog() -> None:
        request.wtforms_translations = _catalog(str(get_locale()))


@functools.cache
def _catalog(locale: str) -> support.Translations:
    return support.Translations.load(messages_path(), [locale], domain="wtforms")
