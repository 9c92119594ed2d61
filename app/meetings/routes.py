"""Meetings (会议): the public agenda, the convener's room, presence, projector, minutes.

Who may use what: the list, the public agenda, its ICS and the presence panel are open to
anyone once the agenda is published (a draft only to the body's conveners); the convener's room,
every change and the projector need a convener of the body; the minutes need a member or
convener of the body. Check-in, substitutes and proxies are in :mod:`app.meetings.roster`.
"""

from flask import current_app, flash, redirect, render_template, request, url_for
from flask_babel import format_datetime
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.meetings import access, ics, labels, minutes, queries, rules, speakers
from app.meetings import floor as _floor  # noqa: F401  (its views register on bp)
from app.meetings import record_views as _record  # its views register on bp
from app.meetings import room as _room  # noqa: F401  (its views register on bp)
from app.meetings import roster as _roster  # noqa: F401  (its views register on bp)
from app.meetings.blueprint import bp
from app.meetings.forms import ItemForm, MeetingForm, MoveForm, NotesForm
from app.meetings.pages import (
    CURRENT,
    PRESENCE,
    agenda_answer,
    back_to_room,
    item_form,
    my_check_in,
    record_agenda_change,
    room_page,
)
from app.meetings.rules import MeetingError
from app.models import TopicStatus
from app.qr import qr_svg
from app.topics import rules as topic_rules
from app.voting import labels as voting_labels
from app.web import confirm
from app.web.forms import EmptyForm
from app.web.htmx import polled, unchanged
from app.web.urls import external_url, public_host

__all__ = ["bp"]


# --- the public side --------------------------------------------------------------------------


@bp.get("/b/<slug>/meetings")
def index(slug: str):
    """The body's meetings: published ones for everyone, drafts too for its conveners."""
    body = policy.body_or_404(slug)
    convener = policy.is_convener(current_user, body)
    meetings = queries.meetings_of_body(db.session, body, with_drafts=convener)
    form = MeetingForm(formdata=None) if convener else None
    return render_template("meetings/index.html", body=body, meetings=meetings, form=form)


@bp.route("/b/<slug>/meetings/new", methods=["GET", "POST"])
@policy.login_required
def new(slug: str):
    """A convener drafts a new meeting (time in the community's local time)."""
    body = policy.convened_body_or_403(slug)
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = rules.new_meeting(body.id, **form.details())
        db.session.add(meeting)
        audit.record("meeting.created", meeting, actor=current_user, after={"title": meeting.title})
        db.session.commit()
        return redirect(url_for("meetings.manage", meeting_id=meeting.id), 303)
    return render_template("meetings/new.html", body=body, form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@policy.login_required
def edit(meeting_id: int):
    """A convener changes the meeting's title, time or place; after publishing it is listed."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = MeetingForm.filled_from(meeting)
    if form.validate_on_submit():
        before = rules.change_details(meeting, **form.details())
        after = rules.summary(meeting) | {"public": meeting.agenda_is_public}
        audit.record("meeting.edited", meeting, actor=current_user, before=before, after=after)
        db.session.commit()
        return back_to_room(meeting)
    return render_template("meetings/new.html", body=meeting.body, form=form, meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """The public agenda; a member also sees whether they checked in, and can check in."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    changes = queries.public_agenda_changes(db.session, meeting, labels.CHANGE_LABELS)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        can_manage=access.may_manage(meeting),
        can_read_minutes=access.may_read_minutes(meeting),
        changes=[labels.change_line(event) for event in changes],
        **my_check_in(meeting),
    )


@bp.get("/meetings/<int:meeting_id>.ics", endpoint="ics")
def ics_file(meeting_id: int):
    """The published meeting as a calendar event."""
    meeting = access.published_meeting_or_404(meeting_id)
    url = external_url("meetings.show", meeting_id=meeting.id)
    brackets = _("（%(text)s）", text="%s")
    body = ics.meeting_calendar(
        meeting, url=url, host=public_host(), kinds=labels.KIND_LABELS, brackets=brackets
    )
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@bp.get("/meetings/<int:meeting_id>/presence", endpoint="presence")
def presence_panel(meeting_id: int):
    """The live presence panel (polled every 3 s): 304 when nothing changed since last time."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    rows, quorum = queries.presence_state(db.session, meeting)
    fingerprint = (meeting.status, rows, quorum.met, quorum.short_by)
    context = {"meeting": meeting, "rows": rows, "quorum": quorum}
    return unchanged(fingerprint) or polled(
        "meetings/presence.html", PRESENCE, fingerprint, **context
    )


# --- the convener's room ----------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/manage")
@policy.login_required
def manage(meeting_id: int):
    """The convener's room: state, agenda builder, presence, roster, substitutes and proxies."""
    return room_page(policy.meeting_to_manage_or_403(meeting_id))


@bp.post("/meetings/<int:meeting_id>/status")
@policy.login_required
def transition(meeting_id: int):
    """Publish the agenda, start the session or close the meeting, from the right state only."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    action = request.form.get("action", "")
    if not EmptyForm().validate_on_submit():
        return back_to_room(meeting)
    closing = action == "close" and "close" in rules.allowed_actions(meeting)
    if closing and not confirm.confirmed():
        return confirm.ask(url_for("meetings.manage", meeting_id=meeting.id), "close")
    before = meeting.status
    try:
        warnings = rules.transition(meeting, action, clock.now())
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return back_to_room(meeting)
    audit.record(
        f"meeting.{action}", meeting, actor=current_user, before=before, after=meeting.status
    )
    db.session.commit()
    flash(*labels.transition_words(action, warnings, meeting.notice_days))
    return back_to_room(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
@policy.login_required
def add_item(meeting_id: int):
    """Add an agenda item from an accepted topic or as free text."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    form = item_form(meeting)
    if not form.validate_on_submit():
        return agenda_answer(meeting, form)
    topic = form.chosen_topic()
    try:
        item = rules.add_item(meeting, topic=topic, **form.item_fields(topic))
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return back_to_room(meeting)
    if topic is not None:
        topic_rules.move(topic, TopicStatus.ON_AGENDA, actor=current_user, note=meeting.title)
    record_agenda_change("agenda.item_added", meeting, item)
    db.session.commit()
    return agenda_answer(meeting, add_open=True)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/move")
@policy.login_required
def move_item(meeting_id: int, item_id: int):
    """Move an item up or down (buttons that work on a phone); the new order is kept."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = access.item_or_404(meeting, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            moved = rules.move_item(meeting, item, form.direction.data)
        except MeetingError as error:
            flash(labels.refusal(error), "bad")
            return back_to_room(meeting)
        if moved:
            record_agenda_change("agenda.item_moved", meeting, item, position=item.position)
            db.session.commit()
    return agenda_answer(meeting)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@policy.login_required
def edit_item(meeting_id: int, item_id: int):
    """Change an item's title, kind, presenter, time or description."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    item = access.item_or_404(meeting, item_id)
    form = ItemForm(obj=item)
    del form.topic_id
    if form.validate_on_submit():
        before = rules.edit_item(meeting, item, **form.item_fields())
        record_agenda_change("agenda.item_edited", meeting, item, before=before)
        db.session.commit()
        return back_to_room(meeting, f"item-{item.id}")
    return render_template("meetings/item_edit.html", meeting=meeting, item=item, form=form)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/remove")
@policy.login_required
def remove_item(meeting_id: int, item_id: int):
    """Take an item off the agenda; its topic goes back to the accepted topics."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = access.item_or_404(meeting, item_id)
    if EmptyForm().validate_on_submit():
        try:
            rules.remove_item(meeting, item)
        except MeetingError as error:
            flash(labels.refusal(error), "bad")
            return back_to_room(meeting)
        if item.topic is not None and item.topic.status == TopicStatus.ON_AGENDA:
            topic_rules.move(
                item.topic, TopicStatus.ACCEPTED, actor=current_user, note=meeting.title
            )
        record_agenda_change("agenda.item_removed", meeting, item)
        db.session.commit()
    return agenda_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/notes")
@policy.login_required
def item_notes(meeting_id: int, item_id: int):
    """Keep the convener's notes on an item for the minutes, until the meeting closes."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = access.item_or_404(meeting, item_id)
    form = NotesForm()
    if not form.validate_on_submit():
        return room_page(meeting, 422, bound_notes={item.id: form})
    try:
        before = rules.keep_notes(meeting, item, form.notes.data or "")
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return back_to_room(meeting, f"item-{item.id}")
    after = {"item_id": item.id, "notes": item.notes}
    audit.record("agenda.notes", meeting, actor=current_user, before={"notes": before}, after=after)
    db.session.commit()
    flash(_("纪要记录已保存。"), "ok")
    return back_to_room(meeting, f"item-{item.id}")


@bp.post("/meetings/<int:meeting_id>/current")
@policy.login_required
def set_current(meeting_id: int):
    """Point the room at an agenda item (or at none)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    raw = request.form.get("item_id", "")
    item = access.item_or_404(meeting, int(raw)) if raw.isdigit() else None
    if EmptyForm().validate_on_submit():
        # The floor moves on: a speech still running on the item left behind ends now.
        if meeting.current_item is not None and meeting.current_item != item:
            speakers.end_speech(db.session, meeting.current_item, clock.now())
        try:
            rules.set_current_item(meeting, item)
        except MeetingError as error:
            flash(labels.refusal(error), "bad")
            return back_to_room(meeting)
        audit.record(
            "meeting.current_item", meeting, actor=current_user, after=meeting.current_item_id
        )
        db.session.commit()
    return back_to_room(meeting, "agenda")


# --- the projector and the minutes ------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/projector")
@policy.login_required
def projector(meeting_id: int):
    """The room's screen: current item, presence with quorum, the check-in QR code."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = meeting.current_item
    fingerprint = (meeting.status, item and (item.id, item.title, item.kind, item.presenter))
    if (answer := unchanged(fingerprint)) is not None:
        return answer
    url = external_url("meetings.checkin", token=meeting.checkin_token)
    rows, quorum = queries.presence_state(db.session, meeting)
    return polled(
        "meetings/projector.html",
        CURRENT,
        fingerprint,
        meeting=meeting,
        item=item,
        rows=rows,
        quorum=quorum,
        checkin_url=url,
        qr=qr_svg(url, title=_("扫码签到"), scale=10, scalable=True),
    )


@bp.get("/meetings/<int:meeting_id>/minutes", endpoint="minutes")
def minutes_page(meeting_id: int):
    """The minutes (会议纪要), printable on A4; public once the meeting is closed."""
    return _record.minutes_page(access.minutes_meeting_or_403(meeting_id))


@bp.get("/meetings/<int:meeting_id>/minutes.md")
def minutes_md(meeting_id: int):
    """The minutes as a Markdown file (readable by whoever reads the minutes page)."""
    meeting = access.minutes_meeting_or_403(meeting_id)
    text = minutes.markdown(
        minutes.collect(db.session, meeting, voting_labels.tally_locale()),
        when=format_datetime(meeting.starts_at, "yyyy-MM-dd HH:mm"),
        kinds=labels.KIND_LABELS,
        _=_,
    )
    if head := _record.closing_head(meeting):
        text += "\n" + _("操作记录校验码（会议结束时）：%(head)s", head=str(head)) + "\n"
    response = current_app.response_class(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="minutes-{meeting.id}.md"'
    return response
