"""Casting ballots from phones: the buttons, the confirmation, "already voted", the refusals."""

import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from app.extensions import db
from app.models import (
    Attendance,
    AuditEvent,
    Ballot,
    Motion,
    SealedBallot,
    SecretCount,
    Substitute,
)
from app.voting.ballots import open_motion
from tests.factories import make_user
from tests.voting.helpers import add_motion, check_in, give_proxy, seats_of, sitting, vote

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}


def _open(meeting, item, kind="roll_call"):
    """An open motion (opened in the database, with counters for a secret one)."""
    motion = add_motion(meeting, item, kind=kind)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    return motion


def test_ballot_page_shows_big_buttons_per_seat(app, ctx, client, login_as):
    """A present member with a proxy sees 赞成/反对/弃权 for their own seat and the proxied one."""
    body, convener, meeting, item = sitting()
    own, proxied = seats_of(body, "community")[:2]
    check_in(meeting, [own])
    give_proxy(meeting, proxied, own.holder)
    motion = _open(meeting, item)
    login_as(own.holder)
    response = client.get(f"/meetings/{meeting.id}/vote")
    assert response.status_code == 200
    page = response.text
    assert page.count('value="yes" class="vote-button yes">✓ 赞成') == 2
    assert page.count("✗ 反对") == 2 and page.count("○ 弃权") == 2
    assert f"/motions/{motion.id}/seats/{proxied.id}/ballot" in page
    assert f"代{proxied.holder.name}投票" in page
    assert 'hx-trigger="every 3s"' not in page  # no polling while buttons are shown


def test_roll_call_vote_confirmed_then_already_voted(app, ctx, client, login_as):
    """A plain POST records the choice and says 您已投：赞成; a second one says 已经投过票了."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    response = vote(client, login_as, seat.holder, motion, seat, "yes")
    assert response.status_code == 303
    page = client.get(response.location).text
    assert "您已投：<strong>赞成</strong>" in page and "已经记录下来" in page
    again = vote(client, login_as, seat.holder, motion, seat, "no")
    page = client.get(again.location).text
    assert "已经投过票了" in page and "您已投：<strong>赞成</strong>" in page
    assert db.session.scalars(sa.select(Ballot.choice)).all() == ["yes"]


def test_htmx_vote_replaces_the_card(app, ctx, client, login_as, captured_templates):
    """With htmx the answer is the seat's card only: the confirmation, then "already voted"."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    response = vote(client, login_as, seat.holder, motion, seat, "abstain", htmx=True)
    assert response.status_code == 200
    assert captured_templates == ["voting/partials/ballot_card.html"]
    assert "您已投：<strong>弃权</strong>" in response.text
    assert response.text.lstrip().startswith(
        f'<section class="ballot-card done" id="ballot-{motion.id}-{seat.id}"'
    )
    again = vote(client, login_as, seat.holder, motion, seat, "yes", htmx=True)
    assert "已经投过票了" in again.text and "您已投：<strong>弃权</strong>" in again.text


def test_secret_vote_says_voted_without_the_choice(app, ctx, client, login_as):
    """A secret ballot keeps no choice: the card says 您已投票（无记名…）, a sealed box is kept."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item, kind="secret")
    response = vote(client, login_as, seat.holder, motion, seat, "no", htmx=True)
    assert "您已投票（无记名，选择不公开）" in response.text
    assert "反对" not in response.text.split("ballot-done")[1]
    assert db.session.scalar(sa.select(Ballot.choice)) is None
    assert sum(db.session.scalars(sa.select(SecretCount.count))) == 0  # only the count adds up
    assert len(db.session.scalars(sa.select(SealedBallot.box)).all()) == 1
    again = vote(client, login_as, seat.holder, motion, seat, "yes", htmx=True)
    assert "已经投过票了" in again.text and "您已投票（无记名" in again.text
    assert len(db.session.scalars(sa.select(SealedBallot.box)).all()) == 1


def test_vote_after_close_refused(app, ctx, client, login_as):
    """Once the convener closed the vote, a ballot is refused in words and not stored."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    login_as(convener)
    client.post(f"/motions/{motion.id}/close", data=CONFIRMED)
    response = vote(client, login_as, seat.holder, motion, seat, "yes")
    assert response.status_code == 409 and "这项表决已经结束" in response.text
    card = vote(client, login_as, seat.holder, motion, seat, "yes", htmx=True)
    assert "这项表决已经结束" in card.text and "vote-button" not in card.text
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_seat_not_present_refused(app, ctx, client, login_as):
    """A member whose seat has not checked in is told to check in first."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    motion = _open(meeting, item)
    response = vote(client, login_as, seat.holder, motion, seat, "yes")
    assert response.status_code == 409 and "请先签到再投票" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_someone_elses_seat_refused(app, ctx, client, login_as):
    """A present member cannot vote for another member's seat (403, in words)."""
    body, convener, meeting, item = sitting()
    mine, theirs = seats_of(body, "street")[:2]
    check_in(meeting, [mine, theirs])
    motion = _open(meeting, item)
    response = vote(client, login_as, mine.holder, motion, theirs, "yes")
    assert response.status_code == 403 and "这个席位不由您投票" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_seat_handed_to_a_proxy_is_voted_by_the_proxy_only(app, ctx, client, login_as):
    """When a seat gave its vote by proxy, its own holder can no longer vote it."""
    body, convener, meeting, item = sitting()
    holder_seat, proxied = seats_of(body, "community")[:2]
    check_in(meeting, [holder_seat, proxied])
    give_proxy(meeting, proxied, holder_seat.holder)
    motion = _open(meeting, item)
    assert vote(client, login_as, proxied.holder, motion, proxied, "no").status_code == 403
    assert vote(client, login_as, holder_seat.holder, motion, proxied, "no").status_code == 303
    ballot = db.session.scalar(sa.select(Ballot))
    assert (ballot.seat_id, ballot.cast_by_id) == (proxied.id, holder_seat.holder_id)


def test_substitute_votes_the_seat(app, ctx, client, login_as):
    """A substitute (替补) who is not a member votes the seat they took for this meeting."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "merchant")[0]
    stand_in = make_user("替补", password=None)
    db.session.add(
        Substitute(
            meeting_id=meeting.id, seat_id=seat.id, user_id=stand_in.id, set_by_id=convener.id
        )
    )
    db.session.add(
        Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=stand_in.id, method="qr")
    )
    db.session.commit()
    motion = _open(meeting, item)
    login_as(stand_in)
    assert client.get(f"/meetings/{meeting.id}/vote").status_code == 200
    assert vote(client, login_as, stand_in, motion, seat, "yes").status_code == 303
    assert vote(client, login_as, seat.holder, motion, seat, "no").status_code == 403


def test_non_member_gets_403(app, ctx, client, login_as):
    """A person with no seat at this body can neither open the ballot page nor vote."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    stranger = make_user(password=None)
    login_as(stranger)
    assert client.get(f"/meetings/{meeting.id}/vote").status_code == 403
    assert vote(client, login_as, stranger, motion, seat, "yes").status_code == 403
    assert vote(client, login_as, convener, motion, seat, "yes").status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_anonymous_ballot_sent_to_sign_in(app, ctx, client):
    """Without signing in, the ballot page sends the visitor to sign in."""
    body, convener, meeting, item = sitting()
    response = client.get(f"/meetings/{meeting.id}/vote")
    assert response.status_code == 302 and "/sign-in" in response.location


def test_bad_choice_is_400(app, ctx, client, login_as):
    """A choice other than yes/no/abstain is a bad request and stores nothing."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    assert vote(client, login_as, seat.holder, motion, seat, "maybe").status_code == 400
    assert db.session.scalar(sa.select(sa.func.count(Ballot.id))) == 0


def test_show_of_hands_not_voted_from_phones(app, ctx, client, login_as):
    """A show-of-hands motion shows no buttons and refuses a ballot."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item, kind="hands")
    login_as(seat.holder)
    assert "请在会场举手" in client.get(f"/meetings/{meeting.id}/vote").text
    response = vote(client, login_as, seat.holder, motion, seat, "yes")
    assert response.status_code == 409 and "举手表决" in response.text


def test_audit_records_ballots(app, ctx, client, login_as):
    """Each ballot is audited: roll-call with the choice, secret without it."""
    body, convener, meeting, item = sitting()
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b])
    roll_call = _open(meeting, item)
    secret = _open(meeting, item, kind="secret")
    vote(client, login_as, a.holder, roll_call, a, "no")
    vote(client, login_as, b.holder, secret, b, "no")
    events = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "ballot.cast").order_by(AuditEvent.id)
    ).all()
    assert events[0].after == {"motion_id": roll_call.id, "seat_id": a.id, "choice": "no"}
    assert events[1].after == {"motion_id": secret.id, "seat_id": b.id}
    assert events[1].actor_id == b.holder_id


def test_waiting_page_polls_for_a_new_vote(app, ctx, client, login_as, captured_templates):
    """With nothing to vote on, the page asks the cheap change check, which refreshes the area.

    Not the whole area every few seconds: 2,000 phones waiting between votes would be 2,000
    full renders; the change check is one query and a 304 (app/voting/unchanged_polls.py).
    """
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    login_as(seat.holder)
    page = client.get(f"/meetings/{meeting.id}/vote").text
    assert "现在没有正在进行的表决" in page and 'hx-trigger="every 3s"' not in page
    changes = f"/meetings/{meeting.id}/vote/changes?shown=&amp;auto=1"
    assert changes in page and 'hx-trigger="every 5s"' in page
    url = changes.replace("&amp;", "&")
    etag = client.get(url, headers={"HX-Request": "true"}).headers["ETag"]
    assert client.get(url, headers={"HX-Request": "true", "If-None-Match": etag}).status_code == 304
    _open(meeting, item)
    changed = client.get(url, headers={"HX-Request": "true", "If-None-Match": etag}).text
    # The answer reloads the ballot area by itself: no button under a finger can move.
    assert 'hx-trigger="load"' in changed and f'hx-target="#ballot-area-{meeting.id}"' in changed
    captured_templates.clear()
    fragment = client.get(f"/meetings/{meeting.id}/vote", headers={"HX-Request": "true"})
    assert captured_templates[0] == "voting/partials/ballot_area.html"
    assert "<html" not in fragment.text and "赞成" in fragment.text


def test_a_page_with_buttons_only_offers_a_refresh(app, ctx, client, login_as):
    """Buttons shown: a change is announced with a refresh button, never swapped in by itself."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item)
    login_as(seat.holder)
    page = client.get(f"/meetings/{meeting.id}/vote").text
    url = f"/meetings/{meeting.id}/vote/changes?shown={motion.id}"
    assert url in page and "auto=1" not in page
    _open(meeting, item)
    changed = client.get(url, headers={"HX-Request": "true"}).text
    assert (
        "表决有更新" in changed and "刷新投票页" in changed and 'hx-trigger="load"' not in changed
    )


def test_member_ballot_link(app, ctx, client, login_as, captured_templates):
    """The member's "去投票" fragment shows the button only with an open vote and a present seat."""
    body, convener, meeting, item = sitting()
    seat, absent = seats_of(body, "street")[:2]
    check_in(meeting, [seat])
    login_as(seat.holder)
    url = f"/meetings/{meeting.id}/vote/link"
    assert "去投票" not in client.get(url, headers={"HX-Request": "true"}).text
    _open(meeting, item)
    assert "去投票" in client.get(url, headers={"HX-Request": "true"}).text
    assert "voting/partials/member_ballot_link.html" in captured_templates
    login_as(absent.holder)
    assert "签到后就能投票" in client.get(url, headers={"HX-Request": "true"}).text


def test_member_ballot_link_included_with_meeting_only(app, ctx):
    """The partial renders from `meeting` alone; visitors not signed in get nothing."""
    body, convener, meeting, item = sitting()
    member = seats_of(body, "street")[0].holder
    _open(meeting, item)
    template = "voting/partials/member_ballot_link.html"
    with app.test_request_context():
        assert render_template(template, meeting=meeting).strip() == ""
        login_user(member)
        html = render_template(template, meeting=meeting)
    assert "去投票" in html and 'hx-trigger="load, every 5s"' in html
    assert db.session.get(Motion, item.motions[0].id).status == "open"


def test_ballot_page_offers_refresh_when_votes_change(app, ctx, client, login_as):
    """While buttons are shown the page polls a small panel that offers a refresh on a new vote."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    first = _open(meeting, item)
    login_as(seat.holder)
    page = client.get(f"/meetings/{meeting.id}/vote").text
    url = f"/meetings/{meeting.id}/vote/changes?shown={first.id}"
    assert url in page
    assert "表决有更新" not in client.get(url, headers={"HX-Request": "true"}).text
    second = _open(meeting, item)
    answer = client.get(url, headers={"HX-Request": "true"}).text
    assert "表决有更新" in answer and f"shown={first.id}" in answer
    assert f"shown={first.id}-{second.id}" in client.get(f"/meetings/{meeting.id}/vote").text
