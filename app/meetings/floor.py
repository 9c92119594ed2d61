"""The chair's side of the floor (会场): recusals (回避) and the speaker queue (发言).

Who may use what: the body's conveners record a recusal for any seat of the body with its
reason and withdraw one; they call the next speaker (or grant a point of order ahead of the
queue) and end a speech, from the convener's room; the projector's speaker panel is theirs too.
Members declare their own recusals and raise hands from the 会场 page (:mod:`app.meetings.room`).
Every change is audited.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.meetings import access, floor_labels, handover, nudges, queries, recusal, speakers
from app.meetings.blueprint import bp
from app.meetings.floor_forms import (
    CallForm,
    FloorMotionForm,
    FloorRulesForm,
    NudgeForm,
    RequestForm,
)
from app.meetings.pages import back_to_room, chair_context, recusal_form, room_page, room_url
from app.meetings.rules import MeetingError
from app.models import Meeting, Recusal
from app.voting import amendments
from app.web.forms import EmptyForm
from app.web.htmx import fragment_or_redirect, polled, unchanged

CHAIR = "meetings/partials/speakers_chair.html"
PROJECTED = "meetings/partials/projector_speaker.html"


def _record(meeting: Meeting, item, seat, reason: str, *, by_convener: bool) -> Recusal:
    """Record the recusal (raises MeetingError) and audit it."""
    row = recusal.stand_aside(
        db.session, item, seat, reason, recorded_by_id=current_user.id, by_convener=by_convener
    )
    after = {"item_id": item.id, "seat_id": seat.id, "reason": row.reason}
    after["by_convener"] = by_convener
    audit.record("meeting.recusal_recorded", meeting, actor=current_user, after=after)
    return row


@bp.post("/meetings/<int:meeting_id>/recusals")
@policy.login_required
def record_recusal(meeting_id: int):
    """The convener records that a seat stands aside on an item, with the reason."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = recusal_form(meeting)
    if not form.validate_on_submit():
        return room_page(meeting, 422, recusal_form=form)
    item = access.item_or_404(meeting, int(form.item_id.data))
    seat = access.seat_or_404(meeting, int(form.seat_id.data))
    try:
        _record(meeting, item, seat, form.reason.data, by_convener=True)
    except MeetingError as error:
        field = form.reason if error.code == "no_reason" else form.seat_id
        field.errors.append(floor_labels.refusal(error))
        return room_page(meeting, 422, recusal_form=form)
    db.session.commit()
    flash(_("回避已登记。"), "ok")
    return back_to_room(meeting, "recusals")


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/seats/<int:seat_id>/recusal/withdraw")
@policy.login_required
def withdraw_recusal(meeting_id: int, item_id: int, seat_id: int):
    """The convener withdraws a recusal recorded by mistake (the seat votes on the item again)."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    item = access.item_or_404(meeting, item_id)
    seat = access.seat_or_404(meeting, seat_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    row = recusal.recusal_of(db.session, item.id, seat.id)
    if row is None:
        return back_to_room(meeting, "recusals")
    before = {"item_id": row.agenda_item_id, "seat_id": row.seat_id, "reason": row.reason}
    try:
        recusal.withdraw(db.session, row)
    except MeetingError as error:
        flash(floor_labels.refusal(error), "bad")
        return back_to_room(meeting, "recusals")
    audit.record("meeting.recusal_withdrawn", meeting, actor=current_user, before=before)
    db.session.commit()
    flash(_("回避已撤销。"), "ok")
    return back_to_room(meeting, "recusals")


# --- the chair's speaker queue and the projector's speaker panel -------------------------------


def _chair_fingerprint(meeting: Meeting) -> tuple:
    """The chair's panel changes with the hands, and every 5 s while someone speaks."""
    item_id = meeting.current_item_id if meeting.in_session else None
    version = queries.floor_version(db.session, item_id)
    ticking = any(status == "speaking" for _, status in (version[0] if version else ()))
    return (meeting.status, item_id, version, int(clock.now().timestamp()) // 5 if ticking else 0)


@bp.get("/meetings/<int:meeting_id>/speakers")
@policy.login_required
def speakers_panel(meeting_id: int):
    """The chair's speaker queue (polled; 304 while unchanged): call, grant, end."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    fingerprint = _chair_fingerprint(meeting)
    if answer := unchanged(fingerprint):
        return answer
    return polled(None, CHAIR, fingerprint, **chair_context(meeting))


@bp.get("/meetings/<int:meeting_id>/speaker-panel")
@policy.login_required
def speaker_panel(meeting_id: int):
    """The projector's speaker, countdown, queue and time per constituency (polled every 1 s)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    return polled(None, PROJECTED, None, **chair_context(meeting))


@bp.post("/meetings/<int:meeting_id>/speakers/next")
@policy.login_required
def call_speaker(meeting_id: int):
    """Give the floor: to the head of the queue, or to the hand named (a point of order)."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = CallForm()
    if not form.validate_on_submit():
        abort(400)
    item = meeting.current_item
    try:
        if item is None:
            raise MeetingError("not_in_session")
        called = speakers.call_next(db.session, item, clock.now(), form.request_id.data)
    except MeetingError as error:
        db.session.rollback()
        flash(floor_labels.refusal(error), "bad")
        return _chair_answer(meeting)
    after = {"item_id": item.id, "user_id": called.user_id, "side": called.side}
    after["point_of_order"] = called.point_of_order
    audit.record("floor.speaker_called", meeting, actor=current_user, after=after)
    db.session.commit()
    return _chair_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/speakers/end")
@policy.login_required
def end_speech(meeting_id: int):
    """End the current speech (its time is kept for the minutes)."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = meeting.current_item
    ended = speakers.end_speech(db.session, item, clock.now()) if item else None
    if ended is not None:
        after = {"item_id": item.id, "user_id": ended.user_id}
        after["seconds"] = speakers.seconds_spoken(ended, clock.now())
        audit.record("floor.speech_ended", meeting, actor=current_user, after=after)
        db.session.commit()
    return _chair_answer(meeting)


def _chair_answer(meeting: Meeting):
    """The chair's panel for htmx, else back to the room at its 发言 section."""
    return fragment_or_redirect(CHAIR, room_url(meeting, "speakers"), **chair_context(meeting))


@bp.post("/meetings/<int:meeting_id>/proxy-requests")
@policy.login_required
def decide_proxy(meeting_id: int):
    """The convener approves or declines a proxy a member handed from their phone."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = RequestForm()
    if not form.validate_on_submit() or form.decision.data not in ("approve", "decline"):
        abort(400)
    request = access.proxy_request_or_404(meeting, form.request_id.data)
    try:
        if form.decision.data == "approve":
            handover.approve(db.session, request, current_user.id, clock.now())
        else:
            handover.decline(request, current_user.id, clock.now())
    except MeetingError as error:
        db.session.rollback()
        flash(floor_labels.refusal(error), "bad")
        return back_to_room(meeting, "roster")
    after = {"seat_id": request.seat_id, "holder_id": request.holder_id, "status": request.status}
    audit.record("meeting.proxy_decided", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("委托已批准。") if form.decision.data == "approve" else _("委托未批准。"), "ok")
    return back_to_room(meeting, "roster")


@bp.post("/meetings/<int:meeting_id>/floor-motions/admit")
@policy.login_required
def admit_motion(meeting_id: int):
    """The convener admits a seconded motion or amendment to the floor: a draft to vote on."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = FloorMotionForm()
    if not form.validate_on_submit():
        abort(400)
    floor_motion = access.floor_motion_or_404(meeting, form.floor_motion_id.data)
    try:
        motion = amendments.admit(db.session, floor_motion, current_user.id, clock.now())
    except amendments.FloorError as error:
        db.session.rollback()
        flash(floor_labels.floor_refusal(error), "bad")
        return back_to_room(meeting, "floor-motions")
    after = {"floor_motion_id": floor_motion.id, "motion_id": motion.id, "text": motion.text}
    audit.record("floor.motion_admitted", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("已列入表决：可以在议程的表决里开始表决。"), "ok")
    return back_to_room(meeting, "floor-motions")


@bp.post("/meetings/<int:meeting_id>/floor-motions/rule-out")
@policy.login_required
def rule_out_motion(meeting_id: int):
    """The convener rules a motion out of order (不予受理) with its reason."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = FloorMotionForm()
    if not form.validate_on_submit():
        abort(400)
    floor_motion = access.floor_motion_or_404(meeting, form.floor_motion_id.data)
    try:
        amendments.rule_out(floor_motion, form.reason.data or "", clock.now())
    except amendments.FloorError as error:
        form.reason.errors.append(floor_labels.floor_refusal(error))
        return room_page(meeting, 422, rule_out_form=form)
    after = {"floor_motion_id": floor_motion.id, "reason": floor_motion.ruling_reason}
    audit.record("floor.motion_ruled_out", meeting, actor=current_user, after=after)
    db.session.commit()
    return back_to_room(meeting, "floor-motions")


# --- the body's rules of debate ---------------------------------------------------------------


@bp.route("/b/<slug>/floor-rules", methods=["GET", "POST"])
@policy.login_required
def floor_rules(slug: str):
    """The body's rules of debate (议事规则): speeches, sides, proxies, running totals."""
    body = policy.convened_body_or_403(slug)
    current = speakers.FloorRules.from_json(body.floor_rules)
    form = FloorRulesForm(data=current.to_json() if request.method == "GET" else None)
    if not form.validate_on_submit():
        status = 422 if request.method == "POST" else 200
        return render_template("meetings/floor_rules.html", body=body, form=form), status
    chosen = speakers.FloorRules(
        **{name: form[name].data for name in speakers.FloorRules.__dataclass_fields__}
    )
    if form.preset.data in speakers.PRESETS:
        chosen = speakers.with_preset(chosen, form.preset.data)
    before = current.to_json()
    body.floor_rules = chosen.to_json()
    audit.record(
        "body.floor_rules_changed", body, actor=current_user, before=before, after=body.floor_rules
    )
    db.session.commit()
    flash(_("议事规则已保存。"), "ok")
    return redirect(url_for("meetings.floor_rules", slug=body.slug), 303)


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/nudge")
@policy.login_required
def nudge_seat(meeting_id: int, seat_id: int):
    """The chair nudges (提醒) a present seat that has not voted: a notice on its 会场 page."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    seat = access.seat_or_404(meeting, seat_id)
    form = NudgeForm()
    if not form.validate_on_submit():
        abort(400)
    motion = access.motion_of_meeting_or_404(meeting, form.motion_id.data)
    try:
        row = nudges.nudge(db.session, meeting, motion, seat, current_user.id)
    except MeetingError as error:
        flash(floor_labels.refusal(error), "bad")
        return redirect(url_for("voting.motion", id=motion.id), 303)
    after = {"motion_id": motion.id, "seat_id": seat.id, "user_id": row.user_id}
    audit.record("floor.nudged", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("已提醒。"), "ok")
    return redirect(url_for("voting.motion", id=motion.id), 303)
