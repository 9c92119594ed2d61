"""Members hand their own proxy (委托) from the phone: limit, approval, principal, take back."""

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.meetings import handover
from app.meetings.presence import seats_voted_by
from app.meetings.rules import MeetingError
from app.meetings.speakers import FloorRules
from app.models import AuditEvent, Proxy, ProxyRequest, ProxyRequestStatus
from app.voting.ballots import open_motion
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

RULES = FloorRules()


def refusal(**changes):
    ask = dict(
        principal_id=1,
        holder_id=2,
        holder_present=True,
        holder_constituencies={10},
        seat_constituency=10,
        seat_taken=False,
        holder_holds=0,
        rules=RULES,
    )
    return handover.hand_refusal(**(ask | changes))


def test_hand_refusal_rules_in_order():
    """Self, a taken seat, a non-member, an absent holder, another constituency, the limit."""
    assert refusal() is None
    assert refusal(holder_id=1) == "self"
    assert refusal(seat_taken=True) == "seat_taken"
    assert refusal(holder_constituencies=set()) == "not_member"
    assert refusal(holder_present=False) == "not_present"
    same = FloorRules(proxy_scope="constituency")
    assert refusal(holder_constituencies={11}) is None
    assert refusal(holder_constituencies={11}, rules=same) == "other_constituency"
    assert refusal(holder_holds=1) == "holder_full"
    assert refusal(holder_holds=1, rules=FloorRules(proxy_limit=2)) is None


def test_withdraw_refusal():
    """Pending: any time; approved: only while no vote is open; done ones cannot."""
    assert handover.withdraw_refusal("pending", vote_open=True) is None
    assert handover.withdraw_refusal("approved", vote_open=False) is None
    assert handover.withdraw_refusal("approved", vote_open=True) == "vote_open"
    assert handover.withdraw_refusal("declined", vote_open=False) == "done"


def test_approval_blocks_the_principal_and_the_limit_holds(app, ctx):
    """Approved: the holder votes the seat, the principal no longer can; a second is refused."""
    body, convener, meeting, item = sitting()
    principal, holder, third = seats_of(body, "community")[:3]
    check_in(meeting, [principal, holder, third])
    request = handover.hand(db.session, meeting, principal, principal.holder_id, holder.holder_id)
    db.session.commit()
    assert request.status == ProxyRequestStatus.PENDING
    assert db.session.scalar(sa.select(Proxy)) is None  # nothing until the convener approves
    handover.approve(db.session, request, convener.id, clock.now())
    db.session.commit()
    assert principal.id in {s.id for s in seats_voted_by(db.session, meeting, holder.holder_id)}
    assert principal.id not in {
        s.id for s in seats_voted_by(db.session, meeting, principal.holder_id)
    }
    with pytest.raises(MeetingError, match="holder_full"):
        handover.hand(db.session, meeting, third, third.holder_id, holder.holder_id)


def test_taken_back_before_a_vote_opens_not_during(app, ctx):
    """The principal takes it back while no vote is open; during a vote it is refused."""
    body, convener, meeting, item = sitting()
    principal, holder = seats_of(body, "street")[:2]
    check_in(meeting, [principal, holder])
    request = handover.hand(db.session, meeting, principal, principal.holder_id, holder.holder_id)
    handover.approve(db.session, request, convener.id, clock.now())
    db.session.commit()
    motion = add_motion(meeting, item)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    with pytest.raises(MeetingError, match="vote_open"):
        handover.take_back(db.session, request, clock.now())
    motion.status = "cancelled"
    motion.cancel_reason = "测试"
    db.session.commit()
    handover.take_back(db.session, request, clock.now())
    db.session.commit()
    assert db.session.scalar(sa.select(Proxy)) is None
    assert principal.id in {s.id for s in seats_voted_by(db.session, meeting, principal.holder_id)}


def test_from_the_phone_to_the_convener_and_back(app, ctx, client, login_as):
    """The member hands it from the 会场 page, the convener approves, the holder sees it."""
    body, convener, meeting, item = sitting()
    principal, holder = seats_of(body, "merchant")[:2]
    check_in(meeting, [principal, holder])
    login_as(principal.holder)
    absent = seats_of(body, "merchant")[2].holder
    refused = client.post(
        f"/meetings/{meeting.id}/room/proxy",
        data={"seat_id": principal.id, "holder_id": absent.id},
    )
    assert refused.status_code == 422 and "只能委托给已经签到的成员" in refused.text
    done = client.post(
        f"/meetings/{meeting.id}/room/proxy",
        data={"seat_id": principal.id, "holder_id": holder.holder_id},
    )
    assert done.status_code == 303
    request = db.session.scalar(sa.select(ProxyRequest))
    login_as(holder.holder)
    assert (
        client.post(
            f"/meetings/{meeting.id}/proxy-requests",
            data={"request_id": request.id, "decision": "approve"},
        ).status_code
        == 403
    )
    login_as(convener)
    assert "待批准的委托" in client.get(f"/meetings/{meeting.id}/manage").text
    client.post(
        f"/meetings/{meeting.id}/proxy-requests",
        data={"request_id": request.id, "decision": "approve"},
    )
    login_as(holder.holder)
    assert "您受托代以下席位表决" in client.get(f"/meetings/{meeting.id}/room").text
    login_as(principal.holder)
    back = client.post(
        f"/meetings/{meeting.id}/room/proxy/withdraw", data={"request_id": request.id}
    )
    assert back.status_code == 303
    assert db.session.scalar(sa.select(Proxy)) is None
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert {
        "meeting.proxy_requested",
        "meeting.proxy_decided",
        "meeting.proxy_taken_back",
    } <= actions


def test_someone_else_cannot_take_back_a_proxy(app, ctx, client, login_as):
    """Only the member who handed it takes it back (403 for the holder)."""
    body, convener, meeting, item = sitting()
    principal, holder = seats_of(body, "merchant")[:2]
    check_in(meeting, [principal, holder])
    request = handover.hand(db.session, meeting, principal, principal.holder_id, holder.holder_id)
    db.session.commit()
    login_as(holder.holder)
    answer = client.post(
        f"/meetings/{meeting.id}/room/proxy/withdraw", data={"request_id": request.id}
    )
    assert answer.status_code == 403
