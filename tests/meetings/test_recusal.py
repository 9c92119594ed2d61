"""Recusal (回避) at a meeting: recorded with a reason, refused ballots, the count and minutes."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.meetings import recusal
from app.meetings.rules import MeetingError
from app.models import AuditEvent, Recusal
from app.voting.ballots import case_for, freeze, open_motion
from tests.voting.helpers import add_motion, check_in, seats_of, sitting, vote

SEAT_PRESENT = {
    "weighting": "seat",
    "base": "present",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}


def _open(meeting, item, rule=None):
    motion = add_motion(meeting, item, rule=rule)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    return motion


def test_recorded_with_a_reason_once_per_seat_and_item(app, ctx):
    """A recusal needs a reason; the same seat on the same item is refused the second time."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    with pytest.raises(MeetingError, match="no_reason"):
        recusal.stand_aside(
            db.session, item, seat, "  ", recorded_by_id=convener.id, by_convener=True
        )
    recusal.stand_aside(
        db.session, item, seat, "本店的案件", recorded_by_id=convener.id, by_convener=True
    )
    with pytest.raises(MeetingError, match="already"):
        recusal.stand_aside(
            db.session, item, seat, "再次", recorded_by_id=convener.id, by_convener=True
        )
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Recusal)) == 1


def test_not_while_a_vote_on_the_item_is_open(app, ctx):
    """Standing aside (or taking it back) waits until the item's vote is closed or not begun."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    _open(meeting, item)
    with pytest.raises(MeetingError, match="item_vote_open"):
        recusal.stand_aside(db.session, item, seat, "利益相关", recorded_by_id=1, by_convener=True)


def test_recused_seat_counts_for_quorum_but_not_the_base(app, ctx):
    """The count gets recused per constituency: quorum from all present, base without them."""
    body, convener, meeting, item = sitting()
    community = seats_of(body, "community")
    present = community[:8] + seats_of(body, "street")[:5]  # 13 of 25: a quorum
    check_in(meeting, present)
    for seat in community[:2]:
        recusal.stand_aside(
            db.session, item, seat, "利益相关", recorded_by_id=convener.id, by_convener=True
        )
    db.session.commit()
    absent = seats_of(body, "merchant")[0]
    recusal.stand_aside(
        db.session, item, absent, "不在场", recorded_by_id=convener.id, by_convener=True
    )
    db.session.commit()
    motion = _open(meeting, item, rule=SEAT_PRESENT)
    case = case_for(db.session, motion)
    # an absent seat that stands aside is not counted (recused ≤ present)
    assert case["recused"] == {"community": 2, "street": 0, "merchant": 0}
    assert case["present"]["community"] == 8
    frozen = freeze(db.session, motion, motion.created_at, "zh")
    assert frozen["result"]["quorum_met"]  # 13 of 25 present, the two recused among them
    assert frozen["result"]["base"] == "11"


def test_a_recused_seat_is_refused_a_ballot_and_the_count_follows(app, ctx, client, login_as):
    """The seat that stands aside cannot vote; the frozen result leaves it out of the base."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "community")[:3]
    check_in(meeting, seats)
    recusal.stand_aside(
        db.session, item, seats[0], "本单位承办", recorded_by_id=convener.id, by_convener=True
    )
    db.session.commit()
    motion = _open(meeting, item, rule={**SEAT_PRESENT, "quorum": None})
    refused = vote(client, login_as, seats[0].holder, motion, seats[0], "yes")
    assert refused.status_code == 409
    assert "已回避" in refused.text
    page = client.get(f"/meetings/{meeting.id}/vote").text
    assert "这个席位在本议题上已回避" in page
    assert vote(client, login_as, seats[1].holder, motion, seats[1], "yes").status_code == 303
    assert vote(client, login_as, seats[2].holder, motion, seats[2], "no").status_code == 303
    frozen = freeze(db.session, motion, motion.created_at, "zh")
    # 1 yes of 3 present − 1 recused: exactly half, not more than half
    assert frozen["recused"]["community"] == 1
    assert frozen["result"]["base"] == "2"
    assert frozen["result"]["recused"]["community"] == 1
    assert not frozen["result"]["passed"]


def test_convener_records_and_withdraws_with_audit(app, ctx, client, login_as):
    """The room's form records a recusal (audited, in the minutes); a blank reason is a 422."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[1]
    login_as(convener)
    blank = client.post(
        f"/meetings/{meeting.id}/recusals",
        data={"item_id": item.id, "seat_id": seat.id, "reason": ""},
    )
    assert blank.status_code == 422
    assert "请写明回避理由" in blank.text
    done = client.post(
        f"/meetings/{meeting.id}/recusals",
        data={"item_id": item.id, "seat_id": seat.id, "reason": "本店是当事方"},
    )
    assert done.status_code == 303
    room = client.get(f"/meetings/{meeting.id}/manage").text
    assert "本店是当事方" in room
    minutes = client.get(f"/meetings/{meeting.id}/minutes.md").text
    assert "回避" in minutes and "本店是当事方" in minutes
    row = db.session.scalar(sa.select(Recusal))
    assert row.by_convener
    again = client.post(f"/meetings/{meeting.id}/items/{item.id}/seats/{seat.id}/recusal/withdraw")
    assert again.status_code == 303
    assert db.session.scalar(sa.select(Recusal)) is None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {"meeting.recusal_recorded", "meeting.recusal_withdrawn"} <= actions


def test_a_member_cannot_record_a_recusal_in_the_room(app, ctx, client, login_as):
    """Only the body's conveners use the room's recusal form (403 for a member)."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    login_as(seat.holder)
    answer = client.post(
        f"/meetings/{meeting.id}/recusals",
        data={"item_id": item.id, "seat_id": seat.id, "reason": "x"},
    )
    assert answer.status_code == 403
    assert db.session.scalar(sa.select(Recusal)) is None
