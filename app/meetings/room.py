"""The member's 会场 page: the whole meeting on one phone page, live, and usable without JS.

Check in (if not yet), the current agenda item with its material, who speaks now and my place
in the speaker queue with a big 举手 button, standing aside (回避) on the current item, and the
open ballot when there is one. The live part polls every 3 s and answers 304 while nothing
changed; without JavaScript the page's 刷新 link reloads it.

Who may use it: the body's members and conveners, and whoever stands in for a seat at the
meeting (substitute, proxy holder); raising a hand and standing aside need a seat here.
"""

from flask import abort, flash, redirect, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.meetings import (
    access,
    floor_labels,
    handover,
    nudges,
    presence,
    queries,
    recusal,
    speakers,
)
from app.meetings.blueprint import bp
from app.meetings.floor_forms import (
    AmendForm,
    FloorMotionForm,
    HandForm,
    HandProxyForm,
    MoveForm,
    MyRecusalForm,
    RequestForm,
)
from app.meetings.pages import my_check_in
from app.meetings.rules import MeetingError
from app.models import CheckInMethod, Meeting
from app.voting import access as voting_access
from app.voting import amendments
from app.voting import queries as voting_queries
from app.web.forms import EmptyForm
from app.web.htmx import fragment_or_redirect, polled, render, unchanged, wants_fragment

PAGE = "meetings/room.html"
LIVE = "meetings/partials/room_live.html"


def room_url(meeting: Meeting) -> str:
    """The member's 会场 page of the meeting."""
    return url_for("meetings.room", meeting_id=meeting.id)


def _my_seats(meeting: Meeting) -> list:
    """The seats whose vote the current person casts at the meeting (own, substitute, proxy)."""
    direct, by_proxy = presence.seats_of_person(db.session, meeting, current_user.id)
    return [
        s for s in queries.seats_of_body(db.session, meeting.body_id) if s.id in direct | by_proxy
    ]


def _live_context(meeting: Meeting) -> dict:
    """What the live part shows: the current item, its floor, my hand and my recusals."""
    item = meeting.current_item if meeting.in_session else None
    context = {
        "meeting": meeting,
        "item": item,
        "floor": None,
        "now": clock.now(),
        "nudged": nudges.notices_for(db.session, meeting.id, current_user.id),
    }
    if item is not None:
        state = speakers.floor(db.session, item, context["now"])
        recused = recusal.recused_seat_ids(db.session, item.id)
        seats = _my_seats(meeting)
        context |= {
            "floor": state,
            "speaking_left": floor_labels.countdown(
                speakers.seconds_left(
                    state.speaking.allowed_seconds, state.speaking.started_at, context["now"]
                )
            )
            if state.speaking
            else "",
            "my_place": state.place_of(current_user.id),
            "my_speeches": state.speeches_of(current_user.id),
            "speaking_me": state.speaking is not None and state.speaking.user_id == current_user.id,
            "my_recused": [s for s in seats if s.id in recused],
            "can_recuse": [s for s in seats if s.id not in recused],
            "floor_motions": amendments.floor_motions_of_meeting(db.session, meeting.id).get(
                item.id, []
            ),
            "draft_motions": [m for m in item.motions if m.status == "draft"],
        }
    return context


def _fingerprint(meeting: Meeting) -> tuple:
    """What the live part depends on, from two small queries: no ordering, no counting."""
    item_id = meeting.current_item_id if meeting.in_session else None
    _, attendance = queries.check_in_state(db.session, meeting, current_user.id)
    version = queries.floor_version(db.session, item_id)
    # While someone speaks the time left moves: the answer changes every 5 s, not every poll.
    ticking = any(status == "speaking" for _, status in (version[0] if version else ()))
    return (
        meeting.status,
        item_id,
        version,
        int(clock.now().timestamp()) // 5 if ticking else 0,
        attendance.id if attendance else None,
        tuple(nudges.notices_for(db.session, meeting.id, current_user.id)),
        current_user.id,
    )


def _own_seats(meeting: Meeting) -> list:
    """The seats the current person votes themselves (own or substitute), not by proxy."""
    direct, _ = presence.seats_of_person(db.session, meeting, current_user.id)
    return [s for s in queries.seats_of_body(db.session, meeting.body_id) if s.id in direct]


def _proxy_form(meeting: Meeting, **kwargs) -> HandProxyForm:
    """The member's 委托 form: their own seats, and the present members who may hold it."""
    people, present = handover.holder_candidates(db.session, meeting, current_user.id)
    return HandProxyForm(_own_seats(meeting), people, present, **kwargs)


def _amend_form(live: dict, **kwargs) -> AmendForm:
    """The amendment form: the item's motions not yet opened, the first one's text to edit."""
    drafts = live.get("draft_motions", [])
    if drafts and "formdata" in kwargs:
        kwargs.setdefault("text", drafts[0].text)
    return AmendForm(drafts, **kwargs)


def _page(
    meeting: Meeting,
    status: int = 200,
    recusal_form=None,
    proxy_form=None,
    move_form=None,
    amend_form=None,
):
    """The whole 会场 page (a refused recusal form keeps what was typed, with its error)."""
    live = _live_context(meeting)
    seats = live.get("can_recuse", [])
    motions, cast, recused_pairs, voting_seats = [], {}, set(), []
    may_vote = False
    if meeting.in_session:
        voting_seats = presence.seats_voted_by(db.session, meeting, current_user.id)
        # A convener with no seat watches the room: their page does not poll the ballot.
        may_vote = voting_access.is_voter(meeting, {s.id for s in voting_seats})
        motions, cast = voting_queries.ballot_sheet(db.session, meeting, voting_seats)
        recused_pairs = voting_queries.recused_pairs(db.session, motions, voting_seats)
    return render(
        PAGE,
        None,
        status,
        **live,
        **my_check_in(meeting),
        recusal_form=recusal_form
        or MyRecusalForm(seats, formdata=None, item_id=live["item"].id if live["item"] else ""),
        proxy_form=proxy_form or _proxy_form(meeting, formdata=None),
        my_proxies=handover.requests_of_principal(db.session, meeting.id, current_user.id),
        held=handover.seats_held(db.session, meeting.id, current_user.id),
        request_form=RequestForm(formdata=None),
        move_form=move_form or MoveForm(formdata=None),
        amend_form=amend_form or _amend_form(live, formdata=None),
        hand_form=HandForm(formdata=None),
        motions=motions,
        seats=voting_seats,
        cast=cast,
        recused=recused_pairs,
        notice_card=None,
        notice=None,
        may_vote=may_vote,
    )


@bp.get("/meetings/<int:meeting_id>/room")
@policy.login_required
def room(meeting_id: int):
    """The member's 会场 page: check-in, current item, speaker queue, recusal, open ballot."""
    return _page(access.room_meeting_or_403(meeting_id))


@bp.get("/meetings/<int:meeting_id>/room/live")
@policy.login_required
def room_live(meeting_id: int):
    """The live part of the 会场 page (polled every 3 s; 304 while nothing changed)."""
    meeting = access.room_meeting_or_403(meeting_id)
    fingerprint = _fingerprint(meeting)
    if answer := unchanged(fingerprint):
        return answer
    return polled(
        None, LIVE, fingerprint, **_live_context(meeting), hand_form=HandForm(formdata=None)
    )


@bp.post("/meetings/<int:meeting_id>/room/check-in")
@policy.login_required
def room_check_in(meeting_id: int):
    """Check in from the 会场 page and come back to it."""
    meeting = access.room_meeting_or_403(meeting_id)
    if EmptyForm().validate_on_submit():
        try:
            added = presence.check_in_person(
                db.session, meeting, current_user.id, CheckInMethod.LINK
            )
        except MeetingError as error:
            flash(floor_labels.refusal(error), "bad")
            added = []
        if added:
            after = {"seats": [a.seat_id for a in added], "method": CheckInMethod.LINK}
            audit.record("meeting.checked_in", meeting, actor=current_user, after=after)
            db.session.commit()
    return redirect(room_url(meeting), 303)


def _current_item_or_409(meeting: Meeting):
    """The item the floor is on; without one there is nothing to speak to (409)."""
    if not meeting.in_session or meeting.current_item is None:
        abort(409)
    return meeting.current_item


@bp.post("/meetings/<int:meeting_id>/room/hand")
@policy.login_required
def raise_hand(meeting_id: int):
    """Raise a hand on the current item: for or against on a motion, or a point of order."""
    meeting = access.room_meeting_or_403(meeting_id)
    form = HandForm()
    if not form.validate_on_submit():
        abort(400)
    item = _current_item_or_409(meeting)
    try:
        hand = speakers.raise_hand(
            db.session,
            item,
            current_user.id,
            side=form.side.data,
            point_of_order=form.point_of_order.data,
            now=clock.now(),
        )
    except MeetingError as error:
        message = floor_labels.refusal(error)
        if not wants_fragment():
            flash(message, "bad")
        return _live_answer(meeting, error=message)
    after = {"item_id": item.id, "side": hand.side, "point_of_order": hand.point_of_order}
    audit.record("floor.hand_raised", meeting, actor=current_user, after=after)
    db.session.commit()
    return _live_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/room/hand/lower")
@policy.login_required
def lower_hand(meeting_id: int):
    """Take one's raised hand back (放下手)."""
    meeting = access.room_meeting_or_403(meeting_id)
    if not EmptyForm().validate_on_submit():
        abort(400)
    item = _current_item_or_409(meeting)
    if speakers.lower_hand(db.session, item, current_user.id) is not None:
        audit.record("floor.hand_lowered", meeting, actor=current_user, after={"item_id": item.id})
        db.session.commit()
    return _live_answer(meeting)


@bp.post("/meetings/<int:meeting_id>/room/recusal")
@policy.login_required
def declare_recusal(meeting_id: int):
    """A member declares that a seat whose vote they cast stands aside on the current item."""
    meeting = access.room_meeting_or_403(meeting_id)
    item = _current_item_or_409(meeting)
    form = MyRecusalForm(_my_seats(meeting))
    if not form.validate_on_submit():
        return _page(meeting, 422, recusal_form=form)
    if form.item_id.data != str(item.id):
        form.reason.errors.append(str(floor_labels.ITEM_CHANGED))
        return _page(meeting, 422, recusal_form=form)
    seat = access.seat_or_404(meeting, int(form.seat_id.data))
    try:
        row = recusal.stand_aside(
            db.session,
            item,
            seat,
            form.reason.data,
            recorded_by_id=current_user.id,
            by_convener=False,
        )
    except MeetingError as error:
        field = form.reason if error.code == "no_reason" else form.seat_id
        field.errors.append(floor_labels.refusal(error))
        return _page(meeting, 422, recusal_form=form)
    after = {"item_id": item.id, "seat_id": seat.id, "reason": row.reason, "by_convener": False}
    audit.record("meeting.recusal_recorded", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("已登记回避：本议题的表决您这个席位不参加。"), "ok")
    return redirect(room_url(meeting), 303)


def _live_answer(meeting: Meeting, error: str | None = None):
    """After a hand is raised or lowered: the live part for htmx, else back to the page."""
    return fragment_or_redirect(
        LIVE,
        room_url(meeting),
        **_live_context(meeting),
        hand_form=HandForm(formdata=None),
        hand_error=error,
    )


@bp.post("/meetings/<int:meeting_id>/room/proxy")
@policy.login_required
def hand_proxy(meeting_id: int):
    """A member hands the vote of one of their seats to a present member (委托), to be approved."""
    meeting = access.room_meeting_or_403(meeting_id)
    form = _proxy_form(meeting)
    if not form.validate_on_submit():
        return _page(meeting, 422, proxy_form=form)
    seat = access.seat_or_404(meeting, int(form.seat_id.data))
    try:
        request = handover.hand(
            db.session, meeting, seat, current_user.id, int(form.holder_id.data)
        )
    except MeetingError as error:
        field = form.seat_id if error.code in ("seat_taken", "closed") else form.holder_id
        field.errors.append(floor_labels.refusal(error))
        return _page(meeting, 422, proxy_form=form)
    after = {"seat_id": seat.id, "holder_id": request.holder_id}
    audit.record("meeting.proxy_requested", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("委托已提交，等召集人批准。"), "ok")
    return redirect(room_url(meeting), 303)


@bp.post("/meetings/<int:meeting_id>/room/proxy/withdraw")
@policy.login_required
def take_back_proxy(meeting_id: int):
    """The member takes their proxy back (before a vote opens, once approved)."""
    meeting = access.room_meeting_or_403(meeting_id)
    form = RequestForm()
    if not form.validate_on_submit():
        abort(400)
    request = access.proxy_request_or_404(meeting, form.request_id.data)
    if request.requested_by_id != current_user.id:
        abort(403)
    try:
        handover.take_back(db.session, request, clock.now())
    except MeetingError as error:
        flash(floor_labels.refusal(error), "bad")
        return redirect(room_url(meeting), 303)
    after = {"seat_id": request.seat_id, "holder_id": request.holder_id}
    audit.record("meeting.proxy_taken_back", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("委托已收回：这个席位由您自己表决。"), "ok")
    return redirect(room_url(meeting), 303)


@bp.post("/meetings/<int:meeting_id>/room/motions")
@policy.login_required
def move_motion(meeting_id: int):
    """A member moves a motion (动议) on the current decision item, from the phone."""
    meeting = access.room_meeting_or_403(meeting_id)
    item = _current_item_or_409(meeting)
    form = MoveForm()
    if not form.validate_on_submit():
        return _page(meeting, 422, move_form=form)
    try:
        moved = amendments.move(db.session, item, current_user.id, form.text.data)
    except amendments.FloorError as error:
        form.text.errors.append(floor_labels.floor_refusal(error))
        return _page(meeting, 422, move_form=form)
    db.session.flush()
    after = {"item_id": item.id, "floor_motion_id": moved.id, "text": moved.text}
    audit.record("floor.motion_moved", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("动议已提出，等其他成员附议。"), "ok")
    return redirect(room_url(meeting), 303)


@bp.post("/meetings/<int:meeting_id>/room/amendments")
@policy.login_required
def move_amendment(meeting_id: int):
    """A member moves an amendment (修正案): the motion's whole text as they would have it."""
    meeting = access.room_meeting_or_403(meeting_id)
    item = _current_item_or_409(meeting)
    live = _live_context(meeting)
    form = _amend_form(live)
    if not form.validate_on_submit():
        return _page(meeting, 422, amend_form=form)
    main = next((m for m in live["draft_motions"] if str(m.id) == form.amends_id.data), None)
    try:
        moved = amendments.move(db.session, item, current_user.id, form.text.data, amends=main)
    except amendments.FloorError as error:
        form.text.errors.append(floor_labels.floor_refusal(error))
        return _page(meeting, 422, amend_form=form)
    db.session.flush()
    after = {"item_id": item.id, "floor_motion_id": moved.id, "amends_id": main.id}
    after["text"] = moved.text
    audit.record("floor.amendment_moved", meeting, actor=current_user, after=after)
    db.session.commit()
    flash(_("修正案已提出，等其他成员附议。"), "ok")
    return redirect(room_url(meeting), 303)


@bp.post("/meetings/<int:meeting_id>/room/motions/second")
@policy.login_required
def second_motion(meeting_id: int):
    """Another member seconds (附议) a motion or amendment moved from the floor."""
    return _floor_motion_step(meeting_id, "second")


@bp.post("/meetings/<int:meeting_id>/room/motions/withdraw")
@policy.login_required
def withdraw_motion(meeting_id: int):
    """The mover withdraws their motion before the convener admits it."""
    return _floor_motion_step(meeting_id, "withdraw")


def _floor_motion_step(meeting_id: int, step: str):
    """Second or withdraw a floor motion of this meeting; the refusal is said in words."""
    meeting = access.room_meeting_or_403(meeting_id)
    form = FloorMotionForm()
    if not form.validate_on_submit():
        abort(400)
    floor_motion = access.floor_motion_or_404(meeting, form.floor_motion_id.data)
    try:
        if step == "second":
            amendments.second(db.session, floor_motion, current_user.id)
        else:
            amendments.withdraw(floor_motion, current_user.id, clock.now())
    except amendments.FloorError as error:
        db.session.rollback()
        flash(floor_labels.floor_refusal(error), "bad")
        return redirect(room_url(meeting), 303)
    after = {"floor_motion_id": floor_motion.id, "status": floor_motion.status}
    audit.record(f"floor.motion_{step}", meeting, actor=current_user, after=after)
    db.session.commit()
    return redirect(room_url(meeting), 303)
