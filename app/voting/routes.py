"""Live voting: motions run by the convener, ballots cast from phones, progress and results.

Who may use what:

* conveners of the meeting's body (and administrators): create, open, close, cancel motions,
  enter show-of-hands counts, watch the progress with the names of who has not voted;
* people who vote at the meeting (seat holders, substitutes, proxy holders): the ballot page;
* anyone: the projector panel, which shows counts per constituency and frozen results only.
"""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import request as htmx_request

from app import audit, clock, policy
from app.counting.tally import TallyInputError
from app.extensions import db
from app.meetings.presence import presence_by_constituency, seats_of_person, seats_voted_by
from app.models import AgendaItem, Ballot, Meeting, Motion, Seat
from app.voting import ballots, rules
from app.voting.forms import BallotForm, CancelForm, MotionForm, hand_counts_form
from app.web.forms import EmptyForm
from app.web.htmx import render

bp = Blueprint("voting", __name__)


# --- the convener's motions --------------------------------------------------------------------


@bp.route("/items/<int:id>/motions/new", methods=["GET", "POST"])
@policy.login_required
def new_motion(id: int):
    """Put a decision item to the vote: the motion's text, how it is voted, and its rule."""
    item = db.get_or_404(AgendaItem, id)
    meeting = _run_or_403(item.meeting)
    if item.kind != "decision":
        abort(404)
    form = MotionForm(meeting.body)
    if meeting.status != "in_session":
        return _refused(_transition_words(rules.MEETING_NOT_IN_SESSION))
    if not form.validate_on_submit():
        return render_template("voting/new_motion.html", form=form, item=item, meeting=meeting)
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text=form.text.data,
        kind=form.kind.data,
        rule=form.rule(),
        created_by_id=current_user.id,
    )
    db.session.add(motion)
    audit.record("motion.created", motion, actor=current_user, after=_summary(motion))
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.get("/motions/<int:id>")
@policy.login_required
def motion(id: int):
    """The convener's page of a motion: controls, live progress, then the frozen result."""
    motion = _motion_to_run(id)
    return _motion_page(motion)


@bp.post("/motions/<int:id>/open")
@policy.login_required
def open_motion(id: int):
    """Open the vote: ballots are accepted from now until the convener closes it."""
    motion = _motion_to_run(id, exclusive=True)
    if refusal := _transition_refusal(motion, "open", EmptyForm()):
        return refusal
    ballots.open_motion(db.session, motion, clock.now())
    audit.record("motion.opened", motion, actor=current_user, after=_summary(motion))
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.post("/motions/<int:id>/close")
@policy.login_required
def close_motion(id: int):
    """Close the vote and freeze its count: rule, presence, votes and the engine's result."""
    motion = _motion_to_run(id, exclusive=True)
    if refusal := _transition_refusal(motion, "closed", EmptyForm()):
        return refusal
    return _close(motion)


@bp.post("/motions/<int:id>/hands")
@policy.login_required
def hands(id: int):
    """Enter a show of hands (举手) per constituency, then close and freeze it."""
    motion = _motion_to_run(id, exclusive=True)
    if refusal := _transition_refusal(motion, "closed", None, via_hand_counts=True):
        return refusal
    form = _hands_form(motion)
    if not form.validate_on_submit():
        return _motion_page(motion, hands_form=form)
    ballots.record_hand_counts(db.session, motion, form.counts())
    return _close(motion)


@bp.post("/motions/<int:id>/cancel")
@policy.login_required
def cancel_motion(id: int):
    """Cancel a motion with a recorded reason; it is never reopened (start a new one)."""
    motion = _motion_to_run(id, exclusive=True)
    form = CancelForm()
    if refusal := _transition_refusal(motion, "cancelled", None):
        return refusal
    if not form.validate_on_submit():
        return _motion_page(motion, cancel_form=form)
    before = {"status": motion.status}
    motion.status, motion.cancelled_at = "cancelled", clock.now()
    motion.cancel_reason = form.reason.data
    audit.record(
        "motion.cancelled",
        motion,
        actor=current_user,
        before=before,
        after={"status": "cancelled", "reason": motion.cancel_reason},
    )
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.post("/motions/<int:id>/running-totals")
@policy.login_required
def running_totals(id: int):
    """Show or hide the running yes/no/abstain totals of an open roll-call vote."""
    motion = _motion_to_run(id)
    if not EmptyForm().validate_on_submit() or motion.kind != "roll_call":
        abort(400)
    motion.show_running_totals = request.form.get("show") == "1"
    audit.record(
        "motion.running_totals",
        motion,
        actor=current_user,
        after={"show_running_totals": motion.show_running_totals},
    )
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.get("/motions/<int:id>/progress")
@policy.login_required
def progress(id: int):
    """The live progress fragment of the convener's page (polled; 304 when unchanged)."""
    motion = _motion_to_run(id)
    # The fingerprint of what the panel shows: an unchanged panel costs one small query.
    etag = f"{ballots.progress_version(db.session, motion)}-{_locale()}"
    if etag in request.if_none_match:
        return _polled(make_response("", 304), etag)
    live = motion.status == "open" and motion.kind != "hands"
    return _conditional(
        "voting/partials/progress.html",
        etag,
        motion=motion,
        progress=ballots.progress(db.session, motion) if live else None,
    )


@bp.get("/meetings/<int:id>/vote-panel")
def panel(id: int):
    """The projector's vote panel (public: counts per constituency and frozen results only)."""
    meeting = policy.meeting_visible_or_404(id)
    motion = _projected_motion(meeting)
    context = {"meeting": meeting, "motion": motion, "live": True}
    if motion and motion.status == "open" and motion.kind != "hands":
        context["progress"] = ballots.progress(db.session, motion)
    if htmx_request.htmx:
        return _conditional("voting/partials/projector_panel.html", **context)
    return render_template("voting/panel.html", **context)


# --- the member's ballot -----------------------------------------------------------------------


@bp.get("/meetings/<int:id>/vote")
@policy.login_required
def ballot(id: int):
    """The member's ballot: big 赞成 / 反对 / 弃权 buttons per seat they vote, per open motion."""
    meeting = policy.meeting_visible_or_404(id)
    seats = seats_voted_by(db.session, meeting, current_user.id)
    if not seats and not _is_voter(meeting, set()):
        abort(403)
    context = _ballot_context(meeting, seats)
    if htmx_request.htmx and not htmx_request.htmx.boosted:
        return _conditional("voting/partials/ballot_area.html", **context)
    return render("voting/ballot.html", None, **context)


@bp.get("/meetings/<int:id>/vote/link")
@policy.login_required
def ballot_link(id: int):
    """The "去投票" button of the member's meeting page, when they have a vote to cast."""
    meeting = policy.meeting_visible_or_404(id)
    open_motions = _open_motions(meeting)
    seats = seats_voted_by(db.session, meeting, current_user.id) if open_motions else []
    return _conditional(
        "voting/partials/member_ballot_link.html",
        meeting=meeting,
        live=True,
        open_count=len(open_motions),
        seat_count=len(seats),
    )


@bp.get("/meetings/<int:id>/vote/changes")
@policy.login_required
def ballot_changes(id: int):
    """Polled from a ballot page with buttons: says so when the open votes are no longer those."""
    meeting = policy.meeting_visible_or_404(id)
    shown = request.args.get("shown", "")
    now_open = "-".join(str(m.id) for m in _open_motions(meeting))
    return _conditional(
        "voting/partials/ballot_changes.html",
        meeting=meeting,
        shown=shown,
        changed=shown != now_open,
    )


@bp.post("/motions/<int:id>/seats/<int:seat_id>/ballot")
@policy.login_required
def cast(id: int, seat_id: int):
    """Cast one seat's ballot; the database keeps one per seat, a repeat says "已经投过票了"."""
    motion = ballots.locked_motion(db.session, id) or abort(404)
    seat = db.get_or_404(Seat, seat_id)
    form = BallotForm()
    if not form.validate_on_submit():
        abort(400)
    refusal = _ballot_refusal(motion, seat)
    if refusal == rules.NOT_VOTER:
        abort(403)
    if refusal:
        return _ballot_answer(motion, seat, refusal=refusal)
    ballot = ballots.cast(db.session, motion, seat, form.choice.data, current_user.id, clock.now())
    if ballot is None:
        return _ballot_answer(motion, seat, notice="already")
    after = {"motion_id": motion.id, "seat_id": seat.id}
    if motion.kind == "roll_call":
        after["choice"] = ballot.choice
    # Rendered while the rows are fresh (no reloads after the commit) and before the audit
    # event, whose chain lock every ballot waits for until this one commits.
    answer = _ballot_answer(motion, seat, notice="recorded", ballot=ballot)
    audit.record("ballot.cast", ballot, actor=current_user, after=after)
    db.session.commit()
    return answer


# --- helpers -----------------------------------------------------------------------------------


def _run_or_403(meeting: Meeting) -> Meeting:
    if not policy.is_convener(current_user, meeting.body):
        abort(403)
    return meeting


def _motion_to_run(id: int, exclusive: bool = False) -> Motion:
    """Load a motion the current person runs: 404 if unknown, 403 unless convening its body."""
    motion = ballots.locked_motion(db.session, id, exclusive=exclusive) or abort(404)
    _run_or_403(motion.meeting)
    return motion


def _locale() -> str:
    language = get_locale().language if get_locale() else "zh"
    return language if language in ("zh", "en") else "zh"


def _summary(motion: Motion) -> dict:
    return {"status": motion.status, "kind": motion.kind, "text": motion.text, "rule": motion.rule}


def _transition_refusal(motion, target, form, via_hand_counts=False):
    """None when the convener may move the motion to ``target``; else the refusal page."""
    if form is not None and not form.validate_on_submit():
        abort(400)
    reason = rules.transition_refusal(
        motion.status,
        target,
        is_convener=True,
        meeting_status=motion.meeting.status,
        kind=motion.kind,
        has_resolution=motion.resolution is not None,
        via_hand_counts=via_hand_counts,
    )
    back = url_for("voting.motion", id=motion.id)
    return _refused(_transition_words(reason), back) if reason else None


def _close(motion: Motion):
    """Freeze the count and record it; a rule the body can no longer count is refused."""
    try:
        frozen = ballots.freeze(db.session, motion, clock.now(), _locale())
    except TallyInputError:
        db.session.rollback()
        message = _("这个规则已经无法用本会议现在的界别和份额计票，请撤销这项动议后重新发起。")
        return _refused(message, url_for("voting.motion", id=motion.id))
    audit.record("motion.closed", motion, actor=current_user, after=frozen)
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


def _transition_words(reason: str) -> str:
    return {
        rules.MEETING_NOT_IN_SESSION: _(
            "会议不在进行中，现在不能发起、开始、结束或撤销表决。请先开始会议。"
        ),
        rules.NOT_ALLOWED_FROM_HERE: _("这项动议现在的状态不能这样操作。"),
        rules.HAS_RESOLUTION: _("这项动议已经形成决议，不能撤销。"),
        rules.HANDS_NEED_COUNTS: _("举手表决请填写各界别的举手人数，再结束表决。"),
    }[reason]


def _refused(message: str, back: str | None = None, status: int = 409):
    """A plain page saying why, with the way back."""
    return render_template("voting/refused.html", message=message, back=back), status


def _motion_page(motion: Motion, hands_form=None, cancel_form=None):
    if motion.kind == "hands" and motion.status == "open":
        hands_form = hands_form or _hands_form(motion)
    live = motion.status == "open" and motion.kind != "hands"
    return render_template(
        "voting/motion.html",
        motion=motion,
        meeting=motion.meeting,
        progress=ballots.progress(db.session, motion) if live else None,
        hands_form=hands_form,
        cancel_form=cancel_form or CancelForm(),
        form=EmptyForm(),
    )


def _hands_form(motion: Motion):
    meeting = motion.meeting
    constituencies = meeting.body.constituencies
    present = {p.key: p.present for p in presence_by_constituency(db.session, meeting)}
    return hand_counts_form(constituencies, {c.id: present.get(c.key, 0) for c in constituencies})


def _conditional(template: str, etag: str | None = None, **context):
    """A polled fragment with a strong ETag (given, or of its bytes): 304 when nothing changed."""
    response = _polled(make_response(render_template(template, **context)), etag)
    return response.make_conditional(request)


def _polled(response, etag: str | None):
    """The headers of a polled fragment: revalidate every time, per person, by ETag."""
    response.headers["Cache-Control"] = "private, no-cache"
    response.vary.add("HX-Request")
    response.vary.add("Cookie")
    if etag:
        response.set_etag(etag)
    else:
        response.add_etag()
    return response


def _projected_motion(meeting: Meeting) -> Motion | None:
    """The current item's latest motion that was not cancelled."""
    if meeting.current_item_id is None:
        return None
    return db.session.scalar(
        sa.select(Motion)
        .where(Motion.agenda_item_id == meeting.current_item_id, Motion.status != "cancelled")
        .order_by(Motion.id.desc())
        .limit(1)
    )


def _open_motions(meeting: Meeting) -> list[Motion]:
    return list(
        db.session.scalars(
            sa.select(Motion)
            .where(Motion.meeting_id == meeting.id, Motion.status == "open")
            .order_by(Motion.id)
        )
    )


def _ballot_context(meeting: Meeting, seats: list[Seat]) -> dict:
    motions = _open_motions(meeting) if meeting.status == "in_session" else []
    cast = {}
    if motions and seats:
        rows = db.session.scalars(
            sa.select(Ballot).where(
                Ballot.motion_id.in_([m.id for m in motions]),
                Ballot.seat_id.in_([s.id for s in seats]),
            )
        )
        cast = {(b.motion_id, b.seat_id): b for b in rows}
    notice = request.args.get("notice") if request.args.get("card") else None
    return {
        "meeting": meeting,
        "motions": motions,
        "seats": seats,
        "cast": cast,
        "notice_card": request.args.get("card"),
        "notice": notice if notice in ("already", "recorded") else None,
    }


def _is_voter(meeting: Meeting, seats: set[int]) -> bool:
    """Members of the body, and whoever stands in for a seat at this meeting, may vote."""
    if seats or policy.is_member(current_user, meeting.body):
        return True
    return any(seats_of_person(db.session, meeting, current_user.id))


def _ballot_refusal(motion: Motion, seat: Seat) -> str | None:
    meeting = motion.meeting
    voted = {s.id for s in seats_voted_by(db.session, meeting, current_user.id)}
    mine = (
        voted
        if seat.id in voted
        else set().union(*seats_of_person(db.session, meeting, current_user.id))
    )
    return rules.ballot_refusal(
        motion_status=motion.status,
        kind=motion.kind,
        meeting_status=meeting.status,
        seat_id=seat.id,
        seats_voted=voted,
        seats_of_person=mine,
        is_voter=bool(voted) or _is_voter(meeting, mine),
    )


def _ballot_answer(motion, seat, notice=None, refusal=None, ballot=None):
    """The seat's ballot card for htmx; otherwise back to the ballot page (or a refusal page)."""
    if ballot is None and refusal is None:
        ballot = ballots.ballot_of(db.session, motion.id, seat.id)
    message = _ballot_words(refusal) if refusal else None
    if htmx_request.htmx:
        return render_template(
            "voting/partials/ballot_card.html",
            motion=motion,
            seat=seat,
            ballot=ballot,
            card_notice=notice,
            refusal=message,
        )
    if refusal:
        status = 403 if refusal == rules.NOT_YOUR_SEAT else 409
        return _refused(message, url_for("voting.ballot", id=motion.meeting_id), status)
    return redirect(
        url_for(
            "voting.ballot",
            id=motion.meeting_id,
            card=f"{motion.id}-{seat.id}",
            notice=notice,
            _anchor=f"ballot-{motion.id}-{seat.id}",
        ),
        303,
    )


def _ballot_words(refusal: str) -> str:
    return {
        rules.MOTION_NOT_OPEN: _("这项表决已经结束（或还没有开始），现在不能投票。"),
        rules.SHOW_OF_HANDS: _("这项是举手表决，请在会场举手，不用在手机上投票。"),
        rules.SEAT_NOT_PRESENT: _("这个席位还没有签到，请先签到再投票。"),
        rules.NOT_YOUR_SEAT: _("这个席位不由您投票，您只能为自己的席位或受委托的席位投票。"),
    }[refusal]
