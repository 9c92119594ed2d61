"""The chair's safeguards: running totals hidden by the body, seats not voted, nudges."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Nudge
from app.voting.ballots import open_motion
from tests.voting.helpers import add_motion, check_in, seats_of, sitting, vote

HX = {"HX-Request": "true"}


def _open(meeting, item, kind="roll_call"):
    motion = add_motion(meeting, item, kind=kind)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    return motion


def test_body_hides_running_totals_until_close(app, ctx, client, login_as):
    """With the body's setting on, the convener cannot show running totals, even if set before."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    motion.show_running_totals = True
    body.floor_rules = {"hide_running_totals": True}
    db.session.commit()
    vote(client, login_as, seats[0].holder, motion, seats[0], "yes")
    login_as(convener)
    refused = client.post(f"/motions/{motion.id}/running-totals", data={"show": "1"})
    assert refused.status_code == 409 and "表决结束前不显示实时票数" in refused.text
    text = client.get(f"/motions/{motion.id}/progress", headers=HX).text
    assert "赞成</th>" not in text and "结束前不显示" in text
    assert "显示实时票数" not in client.get(f"/motions/{motion.id}").text


def test_secret_vote_lists_seats_not_voted_without_names(app, ctx, client, login_as):
    """For a secret vote the chair sees which seats have not voted: seat labels, no names."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "merchant")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item, kind="secret")
    vote(client, login_as, seats[0].holder, motion, seats[0], "no")
    login_as(convener)
    text = client.get(f"/motions/{motion.id}/progress", headers=HX).text
    assert "还没有投票的席位（1）" in text and "merchant 2号席" in text
    assert seats[1].holder.name not in text


def test_nudge_shows_on_the_voters_room_until_they_vote(app, ctx, client, login_as):
    """One tap nudges a seat; its voter sees 召集人提醒您投票 on the 会场 until the seat votes."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    login_as(convener)
    sent = client.post(
        f"/meetings/{meeting.id}/seats/{seats[1].id}/nudge", data={"motion_id": motion.id}
    )
    assert sent.status_code == 303
    assert db.session.scalar(sa.select(Nudge.user_id)) == seats[1].holder_id
    login_as(seats[1].holder)
    assert "召集人提醒您投票" in client.get(f"/meetings/{meeting.id}/room").text
    vote(client, login_as, seats[1].holder, motion, seats[1], "yes")
    assert "召集人提醒您投票" not in client.get(f"/meetings/{meeting.id}/room").text
    login_as(convener)
    again = client.post(
        f"/meetings/{meeting.id}/seats/{seats[1].id}/nudge", data={"motion_id": motion.id}
    )
    assert "已经投过票了" in client.get(again.location).text
    assert "floor.nudged" in set(db.session.scalars(sa.select(AuditEvent.action)))


def test_a_member_cannot_nudge(app, ctx, client, login_as):
    """Only the convener nudges (403 for a member)."""
    body, convener, meeting, item = sitting()
    seats = seats_of(body, "street")[:2]
    check_in(meeting, seats)
    motion = _open(meeting, item)
    login_as(seats[0].holder)
    answer = client.post(
        f"/meetings/{meeting.id}/seats/{seats[1].id}/nudge", data={"motion_id": motion.id}
    )
    assert answer.status_code == 403
    assert db.session.scalar(sa.select(Nudge)) is None
