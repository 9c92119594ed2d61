"""The roster of a meeting (名册): check-in (签到), substitutes (替补) and proxies (委托).

Who may use what: a signed-in member checks in for their own seats, from the room's QR code or
the meeting's page; the body's conveners tick seats in and set substitutes and proxies until the
meeting closes.
"""

from flask import abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, policy
from app.extensions import db
from app.meetings import access, labels, presence
from app.meetings.blueprint import bp
from app.meetings.pages import (
    ROSTER,
    back_to_room,
    my_check_in,
    proxy_form,
    room_page,
    room_url,
    substitute_form,
)
from app.meetings.rules import MeetingError
from app.models import CheckInMethod, Meeting
from app.web.forms import EmptyForm
from app.web.htmx import fragment_or_redirect


def _check_in_member(meeting: Meeting, method: CheckInMethod) -> None:
    """Check the signed-in member in for their seats (twice counts once), or say why not."""
    try:
        added = presence.check_in_person(db.session, meeting, current_user.id, method)
    except MeetingError as error:
        flash(labels.refusal(error), "bad")
        return
    if added:
        after = {"seats": [a.seat_id for a in added], "method": method}
        audit.record("meeting.checked_in", meeting, actor=current_user, after=after)
        db.session.commit()


@bp.get("/checkin/<token>")
def checkin(token: str):
    """The room's QR code: a member checks in with one big button, then goes to the 会场.

    Someone not signed in in this browser (a member who signs in by personal link only and
    scanned the code with another app) is told how to get in, not stranded at a password form.
    """
    meeting = access.meeting_by_token_or_404(token)
    if not current_user.is_authenticated:
        return render_template("meetings/checkin_signed_out.html", meeting=meeting)
    return render_template("meetings/checkin.html", meeting=meeting, **my_check_in(meeting))


@bp.post("/checkin/<token>")
@policy.login_required
def checkin_post(token: str):
    """Check in from the room's QR code; a member with a seat goes on to the 会场 page."""
    meeting = access.meeting_by_token_or_404(token)
    if EmptyForm().validate_on_submit():
        _check_in_member(meeting, CheckInMethod.QR)
    if my_check_in(meeting)["my_attendance"] and meeting.agenda_is_public:
        return redirect(url_for("meetings.room", meeting_id=meeting.id), 303)
    return redirect(url_for("meetings.checkin", token=token), 303)


@bp.post("/meetings/<int:meeting_id>/check-in")
@policy.login_required
def check_in_self(meeting_id: int):
    """A member checks in from the meeting's page (signed in by their personal link)."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        _check_in_member(meeting, CheckInMethod.LINK)
    return redirect(url_for("meetings.show", meeting_id=meeting.id), 303)


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/check-in")
@policy.login_required
def tick_in(meeting_id: int, seat_id: int):
    """The convener ticks a seat in from the list (its substitute or holder attends)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    seat = access.seat_or_404(meeting, seat_id)
    if EmptyForm().validate_on_submit():
        try:
            if presence.tick_in(db.session, meeting, seat):
                after = {"seats": [seat.id], "method": CheckInMethod.CONVENER}
                audit.record("meeting.checked_in", meeting, actor=current_user, after=after)
                db.session.commit()
        except MeetingError as error:
            flash(labels.refusal(error), "bad")
    return _roster_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/leave")
@policy.login_required
def leave(meeting_id: int, seat_id: int):
    """The convener records a seat as excused (请假) from the meeting, or takes it back."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    seat = access.seat_or_404(meeting, seat_id)
    if EmptyForm().validate_on_submit():
        on_leave = request.form.get("on_leave") == "1"
        try:
            if presence.set_leave(
                db.session, meeting, seat, on_leave=on_leave, set_by_id=current_user.id
            ):
                after = {"seat_id": seat.id, "on_leave": on_leave}
                audit.record("meeting.leave", meeting, actor=current_user, after=after)
                db.session.commit()
        except MeetingError as error:
            flash(labels.refusal(error), "bad")
    return _roster_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/substitutes")
@policy.login_required
def set_substitute(meeting_id: int):
    """Record who takes a seat in place of its holder for this meeting, and who set it."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = substitute_form(meeting)
    if not form.validate_on_submit():
        return room_page(meeting, 422, substitute_form=form)
    seat = access.seat_or_404(meeting, int(form.seat_id.data))
    substitute = presence.set_substitute(
        db.session, meeting, seat, int(form.user_id.data), current_user.id
    )
    after = {"seat_id": seat.id, "user_id": substitute.user_id}
    audit.record("meeting.substitute_set", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("替补已登记。"), "ok")
    return back_to_room(meeting, "roster")


@bp.post("/meetings/<int:meeting_id>/proxies")
@policy.login_required
def set_proxy(meeting_id: int):
    """Record a proxy (委托): the seat's vote goes to a present member, set by the convener."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    form = proxy_form(meeting)
    if not form.validate_on_submit():
        return room_page(meeting, 422, proxy_form=form)
    seat = access.seat_or_404(meeting, int(form.seat_id.data))
    holder_id = int(form.holder_id.data)
    try:
        proxy = presence.add_proxy(db.session, meeting, seat, holder_id, current_user.id)
    except MeetingError as error:
        field = form.seat_id if error.code == "seat_taken" else form.holder_id
        field.errors.append(labels.refusal(error))
        return room_page(meeting, 422, proxy_form=form)
    after = {"seat_id": seat.id, "holder_id": proxy.holder_id}
    audit.record("meeting.proxy_set", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("委托已登记。"), "ok")
    return back_to_room(meeting, "roster")


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/release")
@policy.login_required
def release(meeting_id: int, seat_id: int):
    """Withdraw a seat's substitute or proxy for this meeting (which one is in ``what``)."""
    meeting = access.meeting_to_change_or_403(meeting_id)
    seat = access.seat_or_404(meeting, seat_id)
    what = request.form.get("what", "")
    if what not in presence.STAND_INS:
        abort(400)
    if EmptyForm().validate_on_submit() and presence.withdraw(db.session, meeting, seat, what):
        before = {"seat_id": seat.id}
        audit.record(f"meeting.{what}_removed", meeting, actor=current_user, before=before)
        db.session.commit()
    return back_to_room(meeting, "roster")


def _roster_answer(meeting):
    """The roster fragment for htmx, else back to the room's roster (after a tick or a leave)."""
    return fragment_or_redirect(
        ROSTER,
        room_url(meeting, "roster"),
        meeting=meeting,
        roster=presence.roster(db.session, meeting),
    )
