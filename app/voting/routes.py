"""Live voting: motions run by the convener, ballots cast from phones, progress and results.

Who may use what:

* conveners of the meeting's body (and administrators): create, open, close, cancel motions,
  enter show-of-hands counts, watch the progress with the names of who has not voted;
* people who vote at the meeting (seat holders, substitutes, proxy holders): the ballot page;
* anyone: the projector panel, which shows counts per constituency and frozen results only.
"""

from flask import Blueprint, abort, redirect, request, url_for
from flask_login import current_user

from app import audit, audit_chainer, clock, policy
from app.accounts.access import signed_in_token
from app.counting.tally import TallyInputError
from app.extensions import db
from app.meetings.speakers import hides_running_totals
from app.models import Motion
from app.models.statuses import Choice, MotionKind, MotionStatus
from app.voting import access, amendments, ballots, casting, labels, queries, record, rules
from app.voting.forms import BallotForm, CancelForm, MotionForm, hand_counts_form
from app.voting.unchanged_polls import changes_fingerprint
from app.web import confirm
from app.web.forms import EmptyForm
from app.web.header import without_inbox_count
from app.web.htmx import fragment_or_redirect, polled, render, unchanged, wants_fragment

bp = Blueprint("voting", __name__)


# --- the convener's motions --------------------------------------------------------------------


@bp.route("/items/<int:id>/motions/new", methods=["GET", "POST"])
@policy.login_required
def new_motion(id: int):
    """Put a decision item to the vote: the motion's text, how it is voted, and its rule."""
    item = access.decision_item_to_run_or_403(id)
    meeting = item.meeting
    form = MotionForm(meeting.body, queries.rescindable_motions(db.session, meeting.body_id))
    if reason := rules.creation_refusal(item):
        return _refused(labels.TRANSITION_REFUSALS[reason])
    if not form.validate_on_submit():
        return render("voting/new_motion.html", None, form=form, item=item, meeting=meeting)
    motion = rules.create_motion(
        db.session,
        item,
        text=form.text.data,
        kind=form.kind.data,
        rule=form.rule(),
        created_by_id=current_user.id,
        rescinds=form.rescinded_motion(),
    )
    audit.record("motion.created", motion, actor=current_user, after=rules.summary(motion))
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.get("/motions/<int:id>")
@policy.login_required
def motion(id: int):
    """The convener's page of a motion: controls, live progress, then the frozen result."""
    return _motion_page(access.motion_to_run_or_403(id))


@bp.post("/motions/<int:id>/open")
@policy.login_required
def open_motion(id: int):
    """Open the vote: ballots are accepted from now until the convener closes it."""
    motion = access.motion_to_run_or_403(id, exclusive=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if reason := rules.refusal(motion, MotionStatus.OPEN) or amendments.open_refusal(
        db.session, motion
    ):
        return _cannot_move(motion, reason)
    if not queries.quorum_now(db.session, motion).met and not confirm.confirmed():
        return confirm.ask(url_for("voting.motion", id=motion.id), "open")
    ballots.open_motion(db.session, motion, clock.now())
    audit.record("motion.opened", motion, actor=current_user, after=rules.summary(motion))
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.post("/motions/<int:id>/close")
@policy.login_required
def close_motion(id: int):
    """Close the vote and freeze its count: rule, presence, votes and the engine's result."""
    motion = access.motion_to_run_or_403(id, exclusive=True)
    if not EmptyForm().validate_on_submit():
        abort(400)
    if reason := rules.refusal(motion, MotionStatus.CLOSED):
        return _cannot_move(motion, reason)
    if not confirm.confirmed():
        return confirm.ask(url_for("voting.motion", id=motion.id), "close")
    return _close(motion)


@bp.post("/motions/<int:id>/hands")
@policy.login_required
def hands(id: int):
    """Enter a show of hands (举手) per constituency, then close and freeze it."""
    motion = access.motion_to_run_or_403(id, exclusive=True)
    if reason := rules.refusal(motion, MotionStatus.CLOSED, via_hand_counts=True):
        return _cannot_move(motion, reason)
    form = _hands_form(motion)
    if not form.validate_on_submit():
        return _motion_page(motion, hands_form=form)
    ballots.record_hand_counts(db.session, motion, form.counts())
    return _close(motion)


@bp.post("/motions/<int:id>/cancel")
@policy.login_required
def cancel_motion(id: int):
    """Cancel a motion with a recorded reason; it is never reopened (start a new one)."""
    motion = access.motion_to_run_or_403(id, exclusive=True)
    form = CancelForm()
    has_ballots = queries.has_ballots(db.session, motion.id)
    if reason := rules.refusal(motion, MotionStatus.CANCELLED, has_ballots=has_ballots):
        return _cannot_move(motion, reason)
    if not form.validate_on_submit():
        return _motion_page(motion, cancel_form=form)
    before = {"status": motion.status}
    rules.cancel(motion, form.reason.data, clock.now(), has_ballots=has_ballots)
    after = {"status": motion.status, "reason": motion.cancel_reason}
    audit.record("motion.cancelled", motion, actor=current_user, before=before, after=after)
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.post("/motions/<int:id>/running-totals")
@policy.login_required
def running_totals(id: int):
    """Show or hide the running yes/no/abstain totals of an open roll-call vote."""
    motion = access.motion_to_run_or_403(id)
    if not EmptyForm().validate_on_submit() or not motion.allows_running_totals:
        abort(400)
    if request.form.get("show") == "1" and hides_running_totals(motion.meeting.body):
        return _refused(labels.TOTALS_HIDDEN, url_for("voting.motion", id=motion.id))
    rules.show_running_totals(motion, request.form.get("show") == "1")
    after = {"show_running_totals": motion.show_running_totals}
    audit.record("motion.running_totals", motion, actor=current_user, after=after)
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


@bp.get("/motions/<int:id>/progress")
@policy.login_required
def progress(id: int):
    """The live progress fragment of the convener's page (polled).

    An unchanged panel is a 304 given before Flask from one query (app/voting/unchanged_polls.py);
    what reaches this view is a first poll, a change, or a refusal.
    """
    motion = db.get_or_404(Motion, id)
    access.meeting_to_run_or_403(motion.meeting)
    version = ballots.progress_version(db.session, motion.id, signed_in_token())
    if answer := unchanged(version):
        return answer
    progress = ballots.progress(db.session, motion) if motion.is_live else None
    return polled(None, "voting/partials/progress.html", version, motion=motion, progress=progress)


@bp.get("/meetings/<int:id>/vote-panel")
def panel(id: int):
    """The projector's vote panel (public: counts per constituency and frozen results only)."""
    meeting = policy.meeting_visible_or_404(id)
    motion = queries.projected_motion(db.session, meeting)
    # Only a live vote has progress: the template asks `progress is defined` (StrictUndefined).
    counts = {"progress": ballots.progress(db.session, motion)} if motion and motion.is_live else {}
    return polled(
        "voting/panel.html",
        "voting/partials/projector_panel.html",
        None,
        meeting=meeting,
        motion=motion,
        live=True,
        **counts,
    )


# --- the member's ballot -----------------------------------------------------------------------


@bp.get("/meetings/<int:id>/vote")
@policy.login_required
@without_inbox_count
def ballot(id: int):
    """The member's ballot: big 赞成 / 反对 / 弃权 buttons per seat they vote, per open motion."""
    meeting = policy.meeting_visible_or_404(id)
    seats = access.voting_seats_or_403(meeting)
    motions, cast = queries.ballot_sheet(db.session, meeting, seats)
    # After a tap without htmx, the redirect names the card and what to say on it.
    card = request.args.get("card")
    notice = request.args.get("notice") if card else None
    pick = request.args.get("pick") if card else None
    return polled(
        "voting/ballot.html",
        "voting/partials/ballot_area.html",
        None,
        meeting=meeting,
        motions=motions,
        seats=seats,
        cast=cast,
        recused=queries.recused_pairs(db.session, motions, seats),
        notice_card=card,
        notice=notice if notice in labels.CARD_NOTICES else None,
        pick=pick if pick in set(Choice) else None,
    )


@bp.get("/meetings/<int:id>/vote/link")
@policy.login_required
def ballot_link(id: int):
    """The "去投票" button of the member's meeting page, when they have a vote to cast."""
    meeting = policy.meeting_visible_or_404(id)
    open_count, seat_count = queries.ballot_link_counts(db.session, meeting, current_user.id)
    return polled(
        None,
        "voting/partials/member_ballot_link.html",
        None,
        meeting=meeting,
        live=True,
        open_count=open_count,
        seat_count=seat_count,
    )


@bp.get("/meetings/<int:id>/vote/changes")
@policy.login_required
def ballot_changes(id: int):
    """Polled from a ballot page with buttons: says so when the open votes are no longer those.

    Every phone in the room asks this every 5 s. An unchanged answer is a 304 given before
    Flask by app/voting/unchanged_polls.py (one query, the live session joined to the meeting's
    open votes); what reaches this view is a first poll, a change, or a refusal.
    """
    meeting = policy.meeting_visible_or_404(id)
    shown = request.args.get("shown", "")
    now_open = [m.id for m in queries.open_motions(db.session, meeting)]
    return polled(
        None,
        "voting/partials/ballot_changes.html",
        changes_fingerprint(shown, now_open),
        meeting=meeting,
        shown=shown,
        changed=shown != "-".join(map(str, now_open)),
        auto=request.args.get("auto") == "1",
    )


@bp.post("/motions/<int:id>/seats/<int:seat_id>/ballot")
def cast(id: int, seat_id: int):
    """Cast one seat's ballot; the database keeps one per seat, a repeat says "已经投过票了".

    The short path of app/voting/casting.py: one query for the session and every check, one
    INSERT for the ballot, one for its pending audit event, then the commit; the event is
    chained after it. No person is loaded: the query's live session names the voter.
    """
    context = casting.ballot_context(db.session, id, seat_id, signed_in_token())
    if context is None:
        return _no_ballot_here()
    form = BallotForm()
    if not form.validate_on_submit():
        abort(400)
    motion, seat = context.motion, context.seat
    refusal = context.refusal()
    if refusal == rules.NOT_VOTER:
        abort(403)
    if refusal:
        return _ballot_refused(context, refusal)
    confirmed = form.confirm.data == "1"
    if rules.needs_confirmation(context.confirm_ballots, confirmed):
        return _ballot_answer(context, None, None, pending=form.choice.data)
    ballot = casting.insert_ballot(
        db.session, context, form.choice.data, context.voter_id, clock.now()
    )
    if ballot is None:
        earlier = casting.earlier_ballot(db.session, motion.id, seat.id)
        return _ballot_answer(context, "already", earlier)
    after = {"motion_id": motion.id, "seat_id": seat.id}
    if motion.kind == MotionKind.ROLL_CALL:
        after["choice"] = ballot.choice
    audit.defer(
        db.session, "ballot.cast", "Ballot", ballot.id, actor_id=context.voter_id, after=after
    )
    # Rendered before the commit, from the context's plain rows: nothing to reload after it.
    answer = _ballot_answer(context, "recorded", ballot)
    db.session.commit()
    # Outside the ballot's transaction: the event is chained by this process's chaining thread
    # a moment later, with the other ballots arriving meanwhile (app/audit_chainer.py).
    audit_chainer.chain_after_commit()
    return answer


# --- answers shared by the views above -----------------------------------------------------------


def _refused(message, back: str | None = None, status: int = 409):
    """A plain page saying why, with the way back."""
    return render("voting/refused.html", None, status, message=str(message), back=back)


def _cannot_move(motion: Motion, reason: str):
    """The refusal of a change of the motion's state, with the way back to its page."""
    message = labels.TRANSITION_REFUSALS[reason]
    return _refused(message, url_for("voting.motion", id=motion.id))


def _close(motion: Motion):
    """Freeze the count and record it; a rule the body can no longer count is refused."""
    try:
        frozen = record.close(db.session, motion, clock.now(), labels.tally_locale())
    except TallyInputError:
        db.session.rollback()
        return _refused(labels.RULE_NO_LONGER_COUNTS, url_for("voting.motion", id=motion.id))
    audit.record("motion.closed", motion, actor=current_user, after=frozen)
    if amended := amendments.apply_if_adopted(db.session, motion):
        after = {"text": amended.amends.text, "previous_text": amended.previous_text}
        audit.record("motion.amended", amended.amends, actor=current_user, after=after)
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id))


def _motion_page(motion: Motion, hands_form=None, cancel_form=None):
    """The convener's motion page, with the forms as submitted when one was refused."""
    if motion.awaits_hand_counts:
        hands_form = hands_form or _hands_form(motion)
    return render(
        "voting/motion.html",
        None,
        motion=motion,
        meeting=motion.meeting,
        progress=ballots.progress(db.session, motion) if motion.is_live else None,
        hands_form=hands_form,
        cancel_form=cancel_form or CancelForm(),
        cancellable=motion.can_be_cancelled and not queries.has_ballots(db.session, motion.id),
        quorum=queries.quorum_now(db.session, motion)
        if motion.status == MotionStatus.DRAFT
        else None,
        form=EmptyForm(),
    )


def _hands_form(motion: Motion):
    """The show-of-hands form, present seats filled in from the check-ins."""
    present = queries.present_per_constituency(db.session, motion.meeting)
    return hand_counts_form(motion.meeting.body.constituencies, present)


def _no_ballot_here():
    """No ballot context: not signed in (sent to sign in), else no such motion or seat (404)."""

    @policy.login_required
    def unknown():
        abort(404)

    return unknown()


def _ballot_answer(context: casting.BallotContext, notice: str | None, ballot, pending=None):
    """The seat's ballot card for htmx; otherwise back to the ballot page, at that card.

    ``pending`` is a choice waiting for its confirmation: the card then shows "确认：赞成".
    """
    motion, seat = context.motion, context.seat
    location = url_for(
        "voting.ballot",
        id=motion.meeting_id,
        card=f"{motion.id}-{seat.id}",
        notice=notice,
        pick=pending,
        _anchor=f"ballot-{motion.id}-{seat.id}",
    )
    return fragment_or_redirect(
        "voting/partials/ballot_card.html",
        location,
        motion=motion,
        seat=seat,
        voter_id=context.voter_id,
        ballot=ballot,
        card_notice=notice,
        refusal=None,
        pending=pending,
    )


def _ballot_refused(context: casting.BallotContext, refusal: str):
    """Why the ballot was refused: on the seat's card for htmx, else on a page of its own."""
    motion, seat = context.motion, context.seat
    message = str(labels.BALLOT_REFUSALS[refusal])
    if wants_fragment():
        return render(
            "voting/partials/ballot_card.html",
            None,
            motion=motion,
            seat=seat,
            voter_id=context.voter_id,
            ballot=None,
            card_notice=None,
            refusal=message,
            pending=None,
        )
    status = 403 if refusal == rules.NOT_YOUR_SEAT else 409
    return _refused(message, url_for("voting.ballot", id=motion.meeting_id), status)
