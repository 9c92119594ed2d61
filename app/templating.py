"""Everything templates can call that Flask does not give them: one module, one name per meaning.

No helper here runs a query: what a page shows is loaded by its view. Helpers only turn values
the view already loaded into words, numbers and dates for people.
"""

from decimal import Decimal
from fractions import Fraction

from flask import Flask, g
from flask_babel import format_date, format_time
from flask_babel import gettext as _
from flask_login import current_user

from app import i18n, policy
from app.bodies import setup
from app.clock import today
from app.counting import presets
from app.followup import labels as followup_labels
from app.followup import rules as followup_rules
from app.followup.workdays import PACKAGE_ONLY, UnknownYear, WorkCalendar
from app.lists import labels as lists_labels
from app.lists.totals import quantity, wan, yuan
from app.meetings import floor_labels, minutes, speakers
from app.meetings import labels as meeting_labels
from app.owners import rules as owners_rules
from app.topics import labels as topic_labels
from app.voting import amendments
from app.voting import labels as voting_labels
from app.voting import record as vote_record
from app.web import confirm


def init_app(app: Flask) -> None:
    """Register every template global, filter and context processor of the app."""
    app.context_processor(preferences)
    # The proxy itself: the person is loaded only by a template that reads ``current_user``
    # (Flask-Login's own context processor loads them for every template, even a ballot card).
    app.context_processor(lambda: {"current_user": current_user})
    app.jinja_env.globals.update(
        # numbers and rules
        percent=percent,
        percent_1dp=percent_1dp,
        fraction_text=fraction_text,
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
        vote_record=lambda motion: vote_record.record_of(motion, voting_labels.tally_locale()),
        vote_sentence=lambda rec: vote_record.sentence(rec, _),
        confirm_asking=confirm.asking,
        speech_words=lambda speech: minutes.speech_words(speech, _),
        floor_line_words=lambda line: minutes.floor_line_words(line, _),
        text_diff=amendments.diff,
        floor_motion_words=floor_labels.floor_motion_words,
        hides_running_totals=speakers.hides_running_totals,
        # follow-up
        followup_labels=followup_labels,
        overdue_days=overdue_days,
        is_overdue=is_overdue,
        followup_is_convener=lambda body: policy.is_convener(current_user, body),
        # owners' decisions
        owners_notice_rows=owners_rules.notice_rows,
        # the three lists and service points
        lists_labels=lists_labels,
        wan=wan,
    )
    app.jinja_env.filters.update(
        date=lambda value: format_date(value, "medium") if value else "",
        datetime=i18n.date_and_time,
        percent_1dp=percent_1dp,
        share_percent=share_percent,
        yuan=yuan,
        quantity=quantity,
        overdue_days=overdue_days,
        duration=floor_labels.duration,
        is_overdue=is_overdue,
        area_text=owners_rules.area_text,
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


def fraction_text(value: Fraction) -> str:
    """A weight as people read it, exactly: 9/10 → "0.9", 1/2 → "0.5", 1/3 → "1/3"."""
    rest = value.denominator
    for prime in (2, 5):
        while rest % prime == 0:
            rest //= prime
    if rest != 1:
        return f"{value.numerator}/{value.denominator}"
    text = format(Decimal(value.numerator) / Decimal(value.denominator), "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


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


def _work_calendar() -> WorkCalendar:
    """The calendar the view loaded (``g.work_calendar``), else the package's alone."""
    return g.get("work_calendar", PACKAGE_ONLY)


def overdue_days(task) -> int | None:
    """Working days ``task`` is overdue today (0 when it is not; None: a year is not known)."""
    try:
        return followup_rules.overdue_days(task, today(), _work_calendar())
    except UnknownYear:
        return None


def is_overdue(task) -> bool:
    """Whether ``task``'s deadline has passed and it is not done (a fact of dates alone)."""
    return followup_rules.is_overdue(task, today())
