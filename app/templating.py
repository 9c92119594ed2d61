"""Everything templates can call that Flask does not give them: one module, one name per meaning.

No helper here runs a query: what a page shows is loaded by its view. Helpers only turn values
the view already loaded into words, numbers and dates for people.
"""

from fractions import Fraction

from flask import Flask
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user

from app import i18n, policy
from app.bodies import setup
from app.clock import today
from app.counting import presets
from app.followup import labels as followup_labels
from app.followup import rules as followup_rules
from app.meetings import labels as meeting_labels
from app.meetings import minutes
from app.topics import labels as topic_labels
from app.voting.labels import frozen_explanation


def init_app(app: Flask) -> None:
    """Register every template global, filter and context processor of the app."""
    app.context_processor(preferences)
    app.jinja_env.globals.update(
        # numbers and rules
        percent=percent,
        percent_1dp=percent_1dp,
        describe_rule=describe_rule,
        # times
        local_time=local_time,
        checked_in_words=checked_in_words,
        # topics
        topic_status_label=topic_labels.status_label,
        topic_status_class=topic_labels.status_class,
        topic_step_word=followup_labels.topic_step,
        decline_label=topic_labels.decline_label,
        # meetings and their results
        meeting_status_label=meeting_labels.status_label,
        meeting_status_class=meeting_labels.status_class,
        agenda_kind_label=meeting_labels.kind_label,
        quorum_words=lambda quorum: minutes.quorum_words(quorum, _),
        outcome_words=lambda outcome: minutes.outcome_words(outcome, _),
        counts_words=lambda outcome: minutes.counts_words(outcome, _),
        vote_explanation=frozen_explanation,
        # follow-up
        followup_labels=followup_labels,
        overdue_days=overdue_days,
        followup_is_convener=lambda body: policy.is_convener(current_user, body),
    )
    app.jinja_env.filters.update(
        date=lambda value: format_date(value, "medium") if value else "",
        datetime=i18n.date_and_time,
        percent_1dp=percent_1dp,
        share_percent=share_percent,
        overdue_days=overdue_days,
    )


def preferences() -> dict:
    """The visitor's language and 长辈版 choice, for the header of every page."""
    return {
        "large_text": i18n.large_text_on(),
        "locale": i18n.select_locale(),
        "languages": i18n.LANGUAGES,
    }


def percent(rate: Fraction | None) -> str:
    """A rate as a whole percentage for people ("67%"), or "—" without data."""
    return followup_rules.percent(rate)


def percent_1dp(value: str | Fraction | None) -> str:
    """An exact fraction ("p/q") as a percentage with one decimal ("53.1%"), only for reading."""
    return "" if value is None else f"{float(Fraction(value)) * 100:.1f}%"


def share_percent(share: str) -> str:
    """A constituency's stored share ("2/5") as a percentage ("40%", "33.3%")."""
    return setup.percent_text(share)


def describe_rule(rule: dict | None, body=None) -> str:
    """A voting rule in one plain sentence in the reader's language ("" when it cannot be said)."""
    if not rule:
        return ""
    try:
        return presets.describe_rule(rule, body, _)
    except (KeyError, TypeError, ValueError):
        return ""


def local_time(value) -> str:
    """A stored UTC time as the community's hour and minute ("14:32")."""
    return format_time(value, "HH:mm")


def checked_in_words(attendance) -> str:
    """您已签到 ✓ 14:32 — the check-in state in words, with the local time."""
    return _("您已签到 ✓ %(time)s", time=local_time(attendance.checked_in_at))


def overdue_days(task) -> int:
    """Days ``task`` is overdue today in the community's calendar (0 when it is not)."""
    return followup_rules.overdue_days(task, today())
