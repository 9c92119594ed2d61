"""The answers the meeting views share: the convener's room, its forms, the way back to it.

Both :mod:`app.meetings.routes` (agenda, states, notes) and :mod:`app.meetings.roster`
(check-in, substitutes, proxies) answer a refused form with the room page and its errors, and
a done change with a redirect back to the room (Post/Redirect/Get).
"""

from flask import redirect, render_template, url_for
from flask_login import current_user
from werkzeug.wrappers import Response

from app import audit, clock
from app.extensions import db
from app.meetings import (
    confirmation,
    floor_labels,
    handover,
    labels,
    presence,
    queries,
    recusal,
    rules,
    speakers,
)
from app.meetings.floor_forms import RecusalForm
from app.meetings.forms import ItemForm, NotesForm, ProxyForm, SubstituteForm
from app.models import AgendaItem, Meeting, ProxyRequestStatus
from app.voting import amendments
from app.web.htmx import fragment_or_redirect, wants_fragment

AGENDA = "meetings/partials/agenda_builder.html"
ROSTER = "meetings/partials/roster.html"
PRESENCE = "meetings/partials/presence.html"
CURRENT = "meetings/partials/projector_current.html"


def room_url(meeting: Meeting, anchor: str | None = None) -> str:
    """The convener's room, at ``anchor`` (a section id) when given."""
    return url_for("meetings.manage", meeting_id=meeting.id, _anchor=anchor)


def back_to_room(meeting: Meeting, anchor: str | None = None) -> Response:
    """Post/Redirect/Get back to the convener's room."""
    return redirect(room_url(meeting, anchor), 303)


def record_agenda_change(
    action: str, meeting: Meeting, item: AgendaItem, before: dict | None = None, **after
) -> None:
    """Audit an agenda change; once the agenda is public the change is listed on its page."""
    after = {"item_id": item.id, "title": item.title, **after, "public": meeting.agenda_is_public}
    audit.record(action, meeting, actor=current_user, before=before, after=after)


def my_check_in(meeting: Meeting) -> dict:
    """The signed-in person's seats at the meeting and their check-in (none for a visitor)."""
    if not current_user.is_authenticated:
        return {"my_seats": [], "my_attendance": None}
    seats, attendance = queries.check_in_state(db.session, meeting, current_user.id)
    return {"my_seats": seats, "my_attendance": attendance}


def item_form(meeting: Meeting, **kwargs) -> ItemForm:
    """The add-an-item form, offering the body's accepted topics."""
    return ItemForm(queries.accepted_topics(db.session, meeting), **kwargs)


def substitute_form(meeting: Meeting, **kwargs) -> SubstituteForm:
    """The substitute form: the body's seats and its members (with their seats and phone)."""
    seats = queries.seats_of_body(db.session, meeting.body_id)
    return SubstituteForm(
        seats, queries.substitute_candidates(db.session, meeting.body_id), **kwargs
    )


def proxy_form(meeting: Meeting, **kwargs) -> ProxyForm:
    """The proxy form: the body's seats, and its members and substitutes saying who is in."""
    seats = queries.seats_of_body(db.session, meeting.body_id)
    people = queries.proxy_candidates(db.session, meeting)
    present = presence.present_people(db.session, meeting.id)
    return ProxyForm(seats, people, present, **kwargs)


def recusal_form(meeting: Meeting, **kwargs) -> RecusalForm:
    """The convener's recusal form: the meeting's items and the body's seats."""
    seats = queries.seats_of_body(db.session, meeting.body_id)
    return RecusalForm(meeting.items, seats, **kwargs)


def chair_context(meeting: Meeting) -> dict:
    """The current item's floor with the countdown in words (None when no item is on)."""
    item = meeting.current_item if meeting.in_session else None
    now = clock.now()
    context = {"meeting": meeting, "item": item, "floor": None, "speaking_left": ""}
    if item is None:
        return context | {"over_time": False}
    state = speakers.floor(db.session, item, now)
    left = ""
    seconds = None
    if state.speaking:
        seconds = speakers.seconds_left(
            state.speaking.allowed_seconds, state.speaking.started_at, now
        )
        left = floor_labels.countdown(seconds)
    return context | {
        "floor": state,
        "speaking_left": left,
        "over_time": seconds is not None and seconds < 0,
    }


def room_page(meeting: Meeting, status: int = 200, **forms) -> tuple[str, int]:
    """The convener's room with fresh forms, except the bound ones given (with their errors)."""
    if "recusal_form" not in forms:
        forms["recusal_form"] = recusal_form(meeting, formdata=None)
    if "item_form" not in forms:
        forms["item_form"] = item_form(meeting, formdata=None)
    if "substitute_form" not in forms:
        forms["substitute_form"] = substitute_form(meeting, formdata=None)
    if "proxy_form" not in forms:
        forms["proxy_form"] = proxy_form(meeting, formdata=None)
    rows, quorum = queries.presence_state(db.session, meeting)
    notes_forms = {i.id: NotesForm(formdata=None, notes=i.notes) for i in meeting.items}
    notes_forms.update(forms.pop("bound_notes", {}))
    page = render_template(
        "meetings/manage.html",
        meeting=meeting,
        actions=[(a, labels.ACTION_LABELS[a]) for a in rules.allowed_actions(meeting)],
        roster=presence.roster(db.session, meeting),
        rows=rows,
        quorum=quorum,
        notes_forms=notes_forms,
        previous=confirmation.previous_meeting(db.session, meeting),
        recusals=recusal.recusals_of_meeting(db.session, meeting.id),
        chair=chair_context(meeting),
        floor_motions=amendments.floor_motions_of_meeting(db.session, meeting.id),
        rule_out_form=forms.pop("rule_out_form", None),
        proxy_requests=handover.requests_of_meeting(
            db.session, meeting.id, status=ProxyRequestStatus.PENDING
        ),
        **forms,
    )
    return page, status


def agenda_answer(
    meeting: Meeting, refused: ItemForm | None = None, *, add_open: bool = False
) -> Response | tuple[str, int]:
    """The agenda builder for htmx, else back to the room (a refused form: the room, 422).

    htmx gets 200 even for a refused form: htmx 2 does not swap 4xx answers, and the errors
    must appear next to the fields.
    """
    if refused is not None and not wants_fragment():
        return room_page(meeting, 422, item_form=refused)
    form = refused or item_form(meeting, formdata=None)
    return fragment_or_redirect(
        AGENDA, room_url(meeting, "agenda"), meeting=meeting, item_form=form, add_open=add_open
    )
