"""Helpers for the voting web tests: a sitting meeting with a decision item, check-ins, motions."""

from contextlib import contextmanager

from flask import request_started

from app.extensions import db
from app.models import AgendaItem, Attendance, Convener, Motion, Proxy
from tests.factories import make_body, make_meeting, make_user

WORKED_RULE = {
    "weighting": "quota",
    "base": "cast",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}


def quick_body(constituencies=None, rule=None):
    """A body like ``make_body``'s, whose seat holders have no password (hashing is slow)."""
    body = make_body(constituencies=constituencies, rule=rule, holders=False)
    for constituency in body.constituencies:
        for seat in constituency.seat_list:
            seat.holder = make_user(f"{constituency.key}{seat.number}", password=None, commit=False)
    db.session.commit()
    return body


def sitting(body=None, status="in_session"):
    """A body (the worked example of counting.md by default), convener, sitting meeting, item."""
    body = body or quick_body(rule=WORKED_RULE)
    convener = make_user("召集人", password=None)
    db.session.add(Convener(body_id=body.id, user_id=convener.id))
    meeting = make_meeting(body, status=status)
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="共享厕所")
    db.session.add(item)
    db.session.commit()
    return body, convener, meeting, item


def seats_of(body, key):
    """The seats of one constituency, in number order."""
    return next(c for c in body.constituencies if c.key == key).seat_list


def check_in(meeting, seats):
    """Check the seats in by their holders."""
    for seat in seats:
        db.session.add(
            Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
        )
    db.session.commit()


def give_proxy(meeting, seat, holder):
    """The seat hands its vote to ``holder`` for this meeting."""
    db.session.add(
        Proxy(meeting_id=meeting.id, seat_id=seat.id, holder_id=holder.id, set_by_id=holder.id)
    )
    db.session.commit()


def add_motion(meeting, item, kind="roll_call", rule=None, **fields):
    """A motion in the database (draft unless ``status`` says otherwise)."""
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text=fields.pop("text", "同意沿街商户开放共享厕所"),
        kind=kind,
        rule=rule or meeting.body.default_rule,
        **fields,
    )
    db.session.add(motion)
    db.session.commit()
    return motion


def open_via_web(client, login_as, convener, motion):
    """The convener opens the motion through the web (confirmed, should the quorum be short)."""
    login_as(convener)
    response = client.post(f"/motions/{motion.id}/open", data={"confirmed": "yes"})
    assert response.status_code == 302, response.text
    return response


def vote(client, login_as, user, motion, seat, choice, htmx=False):
    """``user`` casts ``choice`` for ``seat`` through the web."""
    login_as(user)
    headers = {"HX-Request": "true"} if htmx else {}
    return client.post(
        f"/motions/{motion.id}/seats/{seat.id}/ballot",
        data={"choice": choice, "confirm": "1"},
        headers=headers,
    )


@contextmanager
def requests_flask_started(app):
    """The requests that reached Flask inside the block, as a list.

    Those answered before Flask by app/voting/unchanged_polls.py never appear in it.
    """
    started = []

    def record(sender, **extra):
        started.append(sender)

    request_started.connect(record, app)
    try:
        yield started
    finally:
        request_started.disconnect(record, app)
