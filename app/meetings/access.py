"""Who may see and change what in meetings: loaders that answer 404/403, built on app.policy.

Anyone sees a meeting once its agenda is published (a draft only its body's conveners, see
``policy.meeting_visible_or_404``); its conveners run it (``policy.meeting_to_manage_or_403``);
members and conveners of the body read the minutes, and anyone once the meeting is closed
unless the body keeps them to members (``rules.minutes_readable``).
"""

from flask import abort, current_app
from flask_login import current_user

from app import policy
from app.extensions import db
from app.meetings import presence, queries, rules
from app.models import AgendaItem, FloorMotion, Meeting, Motion, ProxyRequest, Seat


def may_manage(meeting: Meeting) -> bool:
    """Whether the current person convenes the meeting's body (and so runs the meeting)."""
    return policy.is_convener(current_user, meeting.body)


def may_read_minutes(meeting: Meeting) -> bool:
    """Whether the current person reads the minutes (see ``rules.minutes_readable``)."""
    body = meeting.body
    return rules.minutes_readable(
        closed=meeting.is_closed,
        members_only=body.minutes_members_only,
        insider=policy.is_convener(current_user, body) or policy.is_member(current_user, body),
    )


def meeting_to_change_or_403(meeting_id: int) -> Meeting:
    """A meeting to change (details, agenda, roster): its convener only, and not once closed."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    if meeting.is_closed:
        abort(403)
    return meeting


def published_meeting_or_404(meeting_id: int) -> Meeting:
    """A meeting whose agenda is public; a draft is unknown here even to its conveners."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    if not meeting.agenda_is_public:
        abort(404)
    return meeting


def meeting_by_token_or_404(token: str) -> Meeting:
    """The meeting of the room's QR code; an unknown token is a 404."""
    meeting = queries.meeting_by_token(db.session, token)
    if meeting is None:
        abort(404)
    return meeting


def minutes_meeting_or_403(meeting_id: int) -> Meeting:
    """A visible meeting whose minutes the current person may read (else 403)."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    if not may_read_minutes(meeting):
        if not current_user.is_authenticated:
            abort(current_app.login_manager.unauthorized())
        abort(403)
    return meeting


def item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    """An agenda item of this meeting; an item of another meeting is never reached through it."""
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def room_meeting_or_403(meeting_id: int) -> Meeting:
    """A meeting whose 会场 page the current person may use (else 403).

    Its body's members and conveners, and whoever stands in for a seat at it (substitute,
    proxy holder).
    """
    meeting = published_meeting_or_404(meeting_id)
    if may_read_minutes(meeting):
        return meeting
    if any(presence.seats_of_person(db.session, meeting, current_user.id)):
        return meeting
    abort(403)


def proxy_request_or_404(meeting: Meeting, request_id: int) -> ProxyRequest:
    """A proxy request of this meeting, or 404."""
    request = db.get_or_404(ProxyRequest, request_id)
    if request.meeting_id != meeting.id:
        abort(404)
    return request


def floor_motion_or_404(meeting: Meeting, floor_motion_id: int) -> FloorMotion:
    """A motion moved from the floor of this meeting, or 404."""
    floor_motion = db.get_or_404(FloorMotion, floor_motion_id)
    item_or_404(meeting, floor_motion.agenda_item_id)
    return floor_motion


def motion_of_meeting_or_404(meeting: Meeting, motion_id: int) -> Motion:
    """A motion of this meeting, or 404."""
    motion = db.get_or_404(Motion, motion_id)
    if motion.meeting_id != meeting.id:
        abort(404)
    return motion


def seat_or_404(meeting: Meeting, seat_id: int) -> Seat:
    """A seat of the meeting's body, or 404."""
    return policy.seat_of_body_or_404(meeting.body_id, seat_id)
