"""Who may run a motion and who may vote: loaders that answer 404/403, built on app.policy.

Conveners of the meeting's body (and administrators) run motions; members of the body and
whoever stands in for a seat at the meeting (substitute, proxy holder) vote.
"""

from flask import abort
from flask_login import current_user

from app import policy
from app.extensions import db
from app.meetings.presence import seats_of_person, seats_voted_by
from app.meetings.recusal import recused_seat_ids
from app.models import AgendaItem, Meeting, Motion, Seat
from app.models.statuses import ItemKind
from app.voting import ballots, rules


def meeting_to_run_or_403(meeting: Meeting) -> Meeting:
    """The meeting itself, when the current person convenes its body; else 403."""
    if not policy.is_convener(current_user, meeting.body):
        abort(403)
    return meeting


def decision_item_to_run_or_403(item_id: int) -> AgendaItem:
    """A decision item of a meeting the current person runs: 404 if unknown or not a decision."""
    item = db.get_or_404(AgendaItem, item_id)
    meeting_to_run_or_403(item.meeting)
    if item.kind != ItemKind.DECISION:
        abort(404)
    return item


def motion_to_run_or_403(motion_id: int, *, exclusive: bool = False) -> Motion:
    """A motion the current person runs: 404 if unknown, 403 unless convening its body.

    ``exclusive`` locks the row for a change of state (see ``ballots.locked_motion``).
    """
    motion = ballots.locked_motion(db.session, motion_id, exclusive=exclusive) or abort(404)
    meeting_to_run_or_403(motion.meeting)
    return motion


def motion_to_vote_or_404(motion_id: int) -> Motion:
    """A motion to cast a ballot on, share-locked so a close waits for the ballot; else 404."""
    return ballots.locked_motion(db.session, motion_id) or abort(404)


def is_voter(meeting: Meeting, seat_ids: set[int]) -> bool:
    """Members of the body, and whoever stands in for a seat at this meeting, may vote."""
    if seat_ids or policy.is_member(current_user, meeting.body):
        return True
    return any(seats_of_person(db.session, meeting, current_user.id))


def voting_seats_or_403(meeting: Meeting) -> list[Seat]:
    """The present seats the current person votes for now; 403 for someone with no vote here."""
    seats = seats_voted_by(db.session, meeting, current_user.id)
    if not seats and not is_voter(meeting, set()):
        abort(403)
    return seats


def ballot_refusal(motion: Motion, seat: Seat) -> str | None:
    """Why the current person may not cast ``seat``'s ballot on ``motion`` now, or None."""
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
        is_voter=bool(voted) or is_voter(meeting, mine),
        recused=recused_seat_ids(db.session, motion.agenda_item_id),
    )
