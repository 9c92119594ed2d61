"""The record of a meeting: confirming its minutes, appending corrections, the opening items.

Who may use what: the body's conveners confirm the minutes of a closed meeting (or have the
next meeting confirm them), append corrections with a reason, and offer a new meeting the two
opening items (确认上次会议纪要, 上次决议落实情况通报). Every step is audited.
"""

from flask import flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.followup import labels as followup_labels
from app.meetings import access, confirmation, labels, minutes
from app.meetings.blueprint import bp
from app.meetings.forms import CorrectionForm
from app.meetings.pages import back_to_room
from app.meetings.rules import MeetingError
from app.models import Meeting
from app.voting import labels as voting_labels
from app.web.forms import EmptyForm


def minutes_page(meeting, status: int = 200, correction_form=None):
    """The minutes page; a convener of the body also gets the confirm and correction forms."""
    data = minutes.collect(db.session, meeting, voting_labels.tally_locale())
    manage = access.may_manage(meeting) and meeting.is_closed
    return render_template(
        "meetings/minutes.html",
        meeting=meeting,
        m=data,
        audit_head=closing_head(meeting),
        manage=manage,
        form=EmptyForm(),
        correction_form=correction_form or CorrectionForm(formdata=None),
    ), status


def closing_head(meeting: Meeting) -> audit.Head | None:
    """The audit chain's head right after a closed meeting was closed (printed on its minutes)."""
    if not meeting.is_closed:
        return None
    return audit.head_after(db.session, "meeting.close", "Meeting", meeting.id)


def _to_minutes(meeting):
    return redirect(url_for("meetings.minutes", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/minutes/confirm")
@policy.login_required
def confirm_minutes(meeting_id: int):
    """The convener confirms the closed meeting's minutes (确认纪要), once, with the date."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    if not EmptyForm().validate_on_submit():
        return _to_minutes(meeting)
    try:
        confirmation.confirm_minutes(
            meeting, by_id=current_user.id, now=clock.now(), how=confirmation.BY_CONVENER
        )
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return _to_minutes(meeting)
    after = {"how": meeting.minutes_confirmed_how}
    audit.record("minutes.confirmed", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("纪要已确认。以后的修改只能作为更正追加。"), "ok")
    return _to_minutes(meeting)


@bp.post("/meetings/<int:meeting_id>/confirm-previous-minutes")
@policy.login_required
def confirm_previous_minutes(meeting_id: int):
    """The sitting meeting confirms the previous meeting's minutes (its first item)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    previous = confirmation.previous_meeting(db.session, meeting)
    if not EmptyForm().validate_on_submit() or previous is None or not meeting.in_session:
        return back_to_room(meeting)
    try:
        confirmation.confirm_minutes(
            previous, by_id=current_user.id, now=clock.now(), how=confirmation.BY_MEETING
        )
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return back_to_room(meeting)
    after = {"how": previous.minutes_confirmed_how, "at_meeting": meeting.id}
    audit.record("minutes.confirmed", previous, actor=current_user, after=after)
    db.session.commit()
    flash(_("上次会议纪要已由本次会议确认。"), "ok")
    return back_to_room(meeting)


@bp.post("/meetings/<int:meeting_id>/minutes/corrections")
@policy.login_required
def add_correction(meeting_id: int):
    """Append a correction (更正) with its reason to a closed meeting's minutes."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    form = CorrectionForm()
    if not form.validate_on_submit():
        return minutes_page(meeting, 422, correction_form=form)
    try:
        correction = confirmation.add_correction(
            db.session,
            meeting,
            text=form.text.data,
            reason=form.reason.data,
            actor_id=current_user.id,
        )
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return _to_minutes(meeting)
    after = {"text": correction.text, "reason": correction.reason}
    audit.record("minutes.corrected", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("更正已追加到纪要。"), "ok")
    return _to_minutes(meeting)


@bp.post("/meetings/<int:meeting_id>/opening-items")
@policy.login_required
def add_opening_items(meeting_id: int):
    """Put 确认上次会议纪要 and 上次决议落实情况通报 first on a meeting's agenda."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    if not EmptyForm().validate_on_submit():
        return back_to_room(meeting)
    items = opening_items_for(meeting)
    if not items or confirmation.has_opening_items(meeting, [i["title"] for i in items]):
        code = "opening_items_there" if items else "no_previous_meeting"
        flash(labels.refusal(MeetingError(code)), "bad")
        return back_to_room(meeting)
    added = confirmation.add_opening_items(meeting, items)
    db.session.flush()
    for item in added:
        after = {"item_id": item.id, "title": item.title, "public": meeting.agenda_is_public}
        audit.record("agenda.item_added", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("已把两项开场议程放在议程最前面。"), "ok")
    return back_to_room(meeting)


def opening_items_for(meeting) -> list[dict]:
    """The opening items for ``meeting``, worded in the reader's language."""
    return confirmation.opening_items(
        db.session,
        meeting,
        clock.today(),
        _,
        lambda status: str(followup_labels.TASK_STATUS.get(status, status)),
    )
