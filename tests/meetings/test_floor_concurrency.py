"""The floor's one-of rules hold under 50 simultaneous requests (both engines).

One waiting hand per person, one speaker per item, one pending proxy per seat, one recusal per
seat and item, one seconder per motion: the database decides (unique indexes, a guarded UPDATE).
"""

import threading

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.meetings import speakers
from app.models import FloorMotion, ProxyRequest, Recusal, SpeechRequest
from app.voting import amendments
from tests.conftest import session_token
from tests.voting.helpers import check_in, seats_of, sitting

THREADS = 50


def _burst(app, user_ids, url, data):
    """POST ``data`` to ``url`` from THREADS clients at once, signed in as ``user_ids[i]``."""
    tokens = {user_id: session_token(app, user_id) for user_id in user_ids}
    clients = []
    for index in range(THREADS):
        client = app.test_client()
        with client.session_transaction() as session:
            session["_user_id"] = tokens[user_ids[index % len(user_ids)]]
        clients.append(client)
    barrier = threading.Barrier(THREADS)
    statuses = [None] * THREADS

    def post(index):
        barrier.wait()
        statuses[index] = clients[index].post(url, data=data).status_code

    threads = [threading.Thread(target=post, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    db.session.rollback()  # end the test's own read snapshot before counting
    return statuses


def _count(model):
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_fifty_taps_raise_one_hand(app, ctx):
    """50 simultaneous 举手 by one member: one waiting hand, every answer a redirect."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    statuses = _burst(app, [seat.holder_id], f"/meetings/{meeting.id}/room/hand", {"side": "for"})
    assert set(statuses) == {303}
    assert _count(SpeechRequest) == 1


def test_fifty_calls_start_one_speaker(app, ctx):
    """50 simultaneous 请下一位 with two hands up: one speech ends, one starts, none doubled."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    for seat, side in zip(seats, ("for", "against"), strict=True):
        speakers.raise_hand(
            db.session, item, seat.holder_id, side=side, point_of_order=False, now=clock.now()
        )
    db.session.commit()
    _burst(app, [convener.id], f"/meetings/{meeting.id}/speakers/next", {})
    speaking = db.session.scalar(
        sa.select(sa.func.count()).where(SpeechRequest.status == "speaking")
    )
    assert speaking == 1


def test_fifty_proxies_for_one_seat_make_one_request(app, ctx):
    """50 simultaneous hand-overs of one seat: one pending request."""
    body, convener, meeting, item = sitting()
    principal, holder = seats_of(body, "merchant")[:2]
    check_in(meeting, [principal, holder])
    data = {"seat_id": principal.id, "holder_id": holder.holder_id}
    _burst(app, [principal.holder_id], f"/meetings/{meeting.id}/room/proxy", data)
    assert _count(ProxyRequest) == 1


def test_fifty_recusals_of_one_seat_record_one(app, ctx):
    """50 simultaneous recusals of one seat on one item: one row."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    data = {"item_id": item.id, "seat_id": seat.id, "reason": "利益相关"}
    _burst(app, [convener.id], f"/meetings/{meeting.id}/recusals", data)
    assert _count(Recusal) == 1


def test_fifty_members_second_at_once_one_seconder(app, ctx):
    """Many members second the same motion at once: exactly one becomes its seconder."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "community")
    check_in(meeting, seats)
    moved = amendments.move(db.session, item, seats[0].holder_id, "增设夜间垃圾清运")
    db.session.commit()
    others = [s.holder_id for s in seats[1:]]
    data = {"floor_motion_id": moved.id}
    _burst(app, others, f"/meetings/{meeting.id}/room/motions/second", data)
    row = db.session.get(FloorMotion, moved.id)
    assert row.status == "seconded" and row.seconded_by_id in others
