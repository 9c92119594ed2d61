"""Language and the 长辈版 (large-text) switch: Chinese first, English second; both stay on."""

from flask import current_app, request
from flask_babel import format_date, format_time

LANGUAGES = {"zh": "中文", "en": "English"}
LANGUAGE_COOKIE = "lianxi_lang"
LARGE_TEXT_COOKIE = "lianxi_large"
#: Preference cookies live a year: an older resident should not have to switch again.
PREFERENCE_MAX_AGE = 365 * 24 * 3600


def select_locale() -> str:
    """The visitor's chosen language, else the site's default (LIANXI_LOCALE, Chinese)."""
    chosen = request.cookies.get(LANGUAGE_COOKIE) if request else None
    if chosen in LANGUAGES:
        return chosen
    return current_app.config["LIANXI_LOCALE"]


def select_timezone() -> str:
    """Times are stored in UTC and shown in the community's time zone."""
    return current_app.config["LIANXI_TIMEZONE"]


def large_text_on() -> bool:
    """Whether the visitor turned on the 长辈版 large-text mode."""
    return request.cookies.get(LARGE_TEXT_COOKIE) == "1"


def date_and_time(value) -> str:
    """A stored UTC time as the community reads it: date and hour:minute, no seconds."""
    if not value:
        return ""
    return f"{format_date(value, 'medium')} {format_time(value, 'short')}"
