"""A person's own page (我的) gathers their meetings, bodies, units and topics."""

from app.accounts import queries
from app.extensions import db
from app.models import Attendance, Motion, SignInLink, Topic
from tests.factories import make_body, make_convener, make_meeting, make_unit, make_user


def test_member_sees_running_meeting_with_check_in_then_vote(client, ctx, login_as):
    """A running meeting offers 去签到; once checked in and a vote is open, 去投票."""
    body = make_body(constituencies=[("merchant", 2, None, False)])
    seat = body.constituencies[0].seat_list[0]
    meeting = make_meeting(body, status="in_session", title="第四季度联席会议")
    login_as(seat.holder)
    html = client.get("/me").get_data(as_text=True)
    assert "第四季度联席会议" in html and "去签到" in html and "去投票" not in html
    db.session.add(
        Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
    )
    db.session.add(Motion(meeting_id=meeting.id, text="动议", rule={}, status="open"))
    db.session.commit()
    html = client.get("/me").get_data(as_text=True)
    assert "已签到" in html and "去投票" in html and f"/meetings/{meeting.id}/vote" in html


def test_draft_meetings_stay_off_the_members_page(client, ctx, login_as):
    """A member does not see a meeting the convener is still drafting."""
    body = make_body(constituencies=[("merchant", 1, None, False)])
    make_meeting(body, status="draft", title="草稿会议")
    login_as(body.constituencies[0].seat_list[0].holder)
    assert "草稿会议" not in client.get("/me").get_data(as_text=True)


def test_convener_sees_waiting_topics_and_links(client, ctx, login_as):
    """A convener's card counts topics waiting for triage and links to the body's work."""
    body = make_body(constituencies=[("merchant", 1, None, False)])
    convener = make_convener(body)
    db.session.add(
        Topic(
            body_id=body.id,
            receipt_no="X-1",
            follow_token_hash="h1",
            title="路灯坏了",
            description="晚上看不见",
            category="设施",
        )
    )
    db.session.commit()
    login_as(convener)
    html = client.get("/me").get_data(as_text=True)
    assert "待处理议题 1 个" in html
    assert f"/b/{body.slug}/triage" in html and f"/b/{body.slug}/followup" in html


def test_unit_staff_sees_their_unit_tasks(client, ctx, login_as):
    """Staff of a responsible unit get a link to the unit's task list."""
    staff = make_user("周敏")
    unit = make_unit(staff)
    login_as(staff)
    html = client.get("/me").get_data(as_text=True)
    assert unit.name in html and f"/units/{unit.slug}/tasks" in html
    assert "您目前没有席位" not in html


def test_seats_held_and_sign_in_links(ctx):
    """The seats a person holds in every body, and their links newest first."""
    first = make_body(constituencies=[("merchant", 1, None, False)])
    person = first.constituencies[0].seat_list[0].holder
    second = make_body(constituencies=[("resident", 1, None, False)], holders=False)
    second.constituencies[0].seat_list[0].holder = person
    old, _ = SignInLink.issue(person, None, days=30)
    new, _ = SignInLink.issue(person, None, days=30)
    db.session.add_all([old, new])
    db.session.flush()
    seats = queries.seats_held(db.session, person)
    assert {seat.constituency.body_id for seat in seats} == {first.id, second.id}
    assert queries.sign_in_links(db.session, person) == [new, old]
