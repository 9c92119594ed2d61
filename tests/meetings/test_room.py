"""The member's 会场 page and the chair's speaker queue, through the web."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Recusal, SpeechRequest, SpeechStatus
from app.voting.ballots import open_motion
from tests.factories import make_user
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

HX = {"HX-Request": "true"}


def on_item(meeting, item):
    """The meeting sits on ``item``."""
    meeting.current_item_id = item.id
    db.session.commit()


def test_room_shows_check_in_then_current_item_and_hand_buttons(app, ctx, client, login_as):
    """Before check-in the big button; after, the current item with 正方/反方 hand buttons."""
    body, convener, meeting, item = sitting()
    item.description = "共享厕所的开放时间和补贴"
    on_item(meeting, item)
    seat = seats_of(body, "merchant")[0]
    login_as(seat.holder)
    page = client.get(f"/meetings/{meeting.id}/room").text
    assert "我到了，签到" in page and "共享厕所" in page
    assert client.post(f"/meetings/{meeting.id}/room/check-in").status_code == 303
    page = client.get(f"/meetings/{meeting.id}/room").text
    assert "举手 · 正方（赞成）" in page and "举手 · 反方（反对）" in page
    assert "共享厕所的开放时间和补贴" in page
    assert 'hx-trigger="every 3s"' in page


def test_hands_for_and_against_alternate_and_the_chair_calls_them(app, ctx, client, login_as):
    """Two for and one against: the queue alternates; the chair calls the head, then ends."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    a, b, c = seats_of(body, "community")[:3]
    check_in(meeting, [a, b, c])
    for seat, side in ((a, "for"), (b, "for"), (c, "against")):
        login_as(seat.holder)
        assert (
            client.post(f"/meetings/{meeting.id}/room/hand", data={"side": side}).status_code == 303
        )
    login_as(b.holder)
    page = client.get(f"/meetings/{meeting.id}/room").text
    assert "您已举手，排在第 3 位" in page
    login_as(convener)
    chair = client.post(f"/meetings/{meeting.id}/speakers/next", headers=HX)
    assert "正在发言：" + a.holder.name in chair.text
    chair = client.post(f"/meetings/{meeting.id}/speakers/next", headers=HX)
    assert "正在发言：" + c.holder.name in chair.text
    client.post(f"/meetings/{meeting.id}/speakers/end")
    statuses = dict(
        db.session.execute(sa.select(SpeechRequest.user_id, SpeechRequest.status)).all()
    )
    assert statuses == {
        a.holder_id: SpeechStatus.DONE,
        c.holder_id: SpeechStatus.DONE,
        b.holder_id: SpeechStatus.WAITING,
    }
    actions = list(db.session.scalars(sa.select(AuditEvent.action)))
    assert actions.count("floor.hand_raised") == 3 and actions.count("floor.speaker_called") == 2
    minutes = client.get(f"/meetings/{meeting.id}/minutes.md").text
    assert "发言" in minutes and a.holder.name in minutes and "正方" in minutes


def test_a_hand_without_a_side_on_a_decision_item_is_refused_in_words(app, ctx, client, login_as):
    """On a motion a side is needed; the refusal is said on the live part (htmx)."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    login_as(seat.holder)
    answer = client.post(f"/meetings/{meeting.id}/room/hand", data={"side": "none"}, headers=HX)
    assert "请选择正方（赞成）或反方（反对）" in answer.text
    assert db.session.scalar(sa.select(SpeechRequest)) is None


def test_point_of_order_goes_first_and_lowering_a_hand(app, ctx, client, login_as):
    """A point of order is placed ahead; a member takes their hand back."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b])
    login_as(a.holder)
    client.post(f"/meetings/{meeting.id}/room/hand", data={"side": "for"})
    login_as(b.holder)
    client.post(f"/meetings/{meeting.id}/room/hand", data={"point_of_order": "y"})
    assert "您已举手，排在第 1 位" in client.get(f"/meetings/{meeting.id}/room").text
    client.post(f"/meetings/{meeting.id}/room/hand/lower")
    assert "举手 · 正方（赞成）" in client.get(f"/meetings/{meeting.id}/room").text


def test_live_part_answers_304_while_nothing_changed(app, ctx, client, login_as):
    """The polled live part carries an ETag and answers 304 until a hand is raised."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b])
    login_as(a.holder)
    url = f"/meetings/{meeting.id}/room/live"
    first = client.get(url, headers=HX)
    etag = first.headers["ETag"]
    assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 304
    login_as(b.holder)
    client.post(f"/meetings/{meeting.id}/room/hand", data={"side": "against"})
    login_as(a.holder)
    assert client.get(url, headers=HX | {"If-None-Match": etag}).status_code == 200


def test_member_declares_recusal_with_a_reason(app, ctx, client, login_as):
    """From the 会场 page: a blank reason is a 422 beside the field; then the seat stands aside."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    seat = seats_of(body, "merchant")[0]
    check_in(meeting, [seat])
    login_as(seat.holder)
    form = {"item_id": item.id, "seat_id": seat.id, "reason": ""}
    blank = client.post(f"/meetings/{meeting.id}/room/recusal", data=form)
    assert blank.status_code == 422 and "请写明回避理由" in blank.text
    done = client.post(f"/meetings/{meeting.id}/room/recusal", data=form | {"reason": "本店的案件"})
    assert done.status_code == 303
    row = db.session.scalar(sa.select(Recusal))
    assert (row.seat_id, row.by_convener, row.reason) == (seat.id, False, "本店的案件")
    assert "在本议题上已回避" in client.get(f"/meetings/{meeting.id}/room").text


def test_member_cannot_declare_for_a_seat_that_is_not_theirs(app, ctx, client, login_as):
    """The seat must be one whose vote the member casts (else the form refuses it)."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    mine, other = seats_of(body, "merchant")[:2]
    login_as(mine.holder)
    form = {"item_id": item.id, "seat_id": other.id, "reason": "不是我的"}
    assert client.post(f"/meetings/{meeting.id}/room/recusal", data=form).status_code == 422
    assert db.session.scalar(sa.select(Recusal)) is None


def test_outsider_and_member_refused_where_not_theirs(app, ctx, client, login_as):
    """Someone with no part in the body gets 403 on the 会场; a member cannot call speakers."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    login_as(make_user("路人", password=None))
    assert client.get(f"/meetings/{meeting.id}/room").status_code == 403
    member = seats_of(body, "street")[0].holder
    login_as(member)
    assert client.post(f"/meetings/{meeting.id}/speakers/next").status_code == 403
    assert client.get(f"/meetings/{meeting.id}/speaker-panel").status_code == 403


def test_projector_speaker_panel_counts_down(app, ctx, client, login_as):
    """The projector's panel shows the speaker, 剩余 m:ss, the queue and time per constituency."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b])
    for seat, side in ((a, "for"), (b, "against")):
        login_as(seat.holder)
        client.post(f"/meetings/{meeting.id}/room/hand", data={"side": side})
    login_as(convener)
    client.post(f"/meetings/{meeting.id}/speakers/next")
    panel = client.get(f"/meetings/{meeting.id}/speaker-panel", headers=HX).text
    assert a.holder.name in panel and "剩余 " in panel and b.holder.name in panel
    assert "各界别发言用时" in panel and "street" in panel


def test_open_ballot_is_on_the_room_page(app, ctx, client, login_as):
    """With a vote open, the 会场 page carries the seat's 赞成 / 反对 / 弃权 buttons."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = add_motion(meeting, item)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    login_as(seat.holder)
    page = client.get(f"/meetings/{meeting.id}/room").text
    assert f"/motions/{motion.id}/seats/{seat.id}/ballot" in page and "✓ 赞成" in page


def test_a_seatless_conveners_room_does_not_poll_the_members_ballot(app, ctx, client, login_as):
    """The ballot answers 403 to a convener with no seat: their 会场 must not poll it."""
    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    db.session.commit()
    # The ballot area itself or its change check (/vote/changes), whichever the page polls.
    ballot = f'hx-get="/meetings/{meeting.id}/vote'
    login_as(convener)
    assert ballot not in client.get(f"/meetings/{meeting.id}/room").text
    assert client.get(f"/meetings/{meeting.id}/vote").status_code == 403
    login_as(seat.holder)
    assert ballot in client.get(f"/meetings/{meeting.id}/room").text


def test_personal_link_and_me_lead_to_the_room(app, ctx, client, login_as):
    """With a meeting sitting, the personal link lands on its 会场; 我的 has 进入会场."""
    from app.models import SignInLink

    body, convener, meeting, item = sitting()
    member = seats_of(body, "street")[0].holder
    link, token = SignInLink.issue(member, convener, days=30)
    db.session.add(link)
    db.session.commit()
    landed = client.get(f"/l/{token}")
    assert landed.location.endswith(f"/meetings/{meeting.id}/room")
    assert f"/meetings/{meeting.id}/room" in client.get("/me").text


def test_room_qr_without_sign_in_says_what_to_do_then_leads_to_the_room(app, ctx, client, login_as):
    """The room QR in a browser not signed in says what to do; checking in leads to the 会场."""
    body, convener, meeting, item = sitting()
    url = f"/checkin/{meeting.checkin_token}"
    page = client.get(url)
    assert (
        page.status_code == 200 and "个人链接" in page.text and 'type="password"' not in page.text
    )
    login_as(seats_of(body, "street")[0].holder)
    done = client.post(url)
    assert done.location.endswith(f"/meetings/{meeting.id}/room")


def test_moving_to_another_item_ends_the_running_speech(app, ctx, client, login_as):
    """When the chair moves the floor on, a speech left running ends (its time is kept)."""
    from app.models import AgendaItem

    body, convener, meeting, item = sitting()
    on_item(meeting, item)
    other = AgendaItem(meeting_id=meeting.id, position=2, kind="discussion", title="其他")
    db.session.add(other)
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    login_as(seat.holder)
    client.post(f"/meetings/{meeting.id}/room/hand", data={"side": "for"})
    login_as(convener)
    client.post(f"/meetings/{meeting.id}/speakers/next")
    client.post(f"/meetings/{meeting.id}/current", data={"item_id": other.id})
    speech = db.session.scalar(sa.select(SpeechRequest))
    db.session.refresh(speech)
    assert speech.status == SpeechStatus.DONE and speech.ended_at is not None
