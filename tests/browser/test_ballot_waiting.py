"""A phone waiting on the ballot page gets the buttons by itself when the vote opens.

Between votes the page no longer asks for the whole ballot area every 3 s; it asks the cheap
change check every 5 s (a 304 from one query while nothing changed) and, when the open votes
change, reloads the area itself: no button it shows can move under a finger, since it shows
none. This is the room's everyday case: 2,000 phones waiting for the next vote.
"""

from datetime import datetime

from playwright.sync_api import expect

from app.extensions import db
from app.models import AgendaItem, Attendance, Motion
from app.voting.ballots import open_motion
from tests.browser.conftest import LAPTOP, PHONE, sign_in
from tests.factories import make_body, make_convener, make_meeting, make_user

RULE = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}


def test_a_waiting_phone_shows_the_new_vote_without_a_tap(live_server, open_context, shot, ctx):
    """No vote open, then one opens: within seconds the 赞成 button is there, no reload."""
    body = make_body("huaxing", constituencies=[("商户", 2, None, True)], rule=RULE, holders=False)
    convener = make_convener(body)
    member = make_user("王秀英")
    seat = body.constituencies[0].seat_list[0]
    seat.holder_id = member.id
    meeting = make_meeting(body, status="in_session", starts_at=datetime(2026, 12, 1, 6, 30))
    item = AgendaItem(meeting_id=meeting.id, position=1, title="共享厕所", kind="decision")
    db.session.add(item)
    db.session.flush()
    db.session.add(
        Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=member.id, method="qr")
    )
    db.session.commit()

    phone = open_context(PHONE).new_page()
    sign_in(phone, live_server, member.username, f"/meetings/{meeting.id}/vote")
    expect(phone.locator(".ballot-area")).to_contain_text("现在没有正在进行的表决")
    phone.evaluate("window.notReloaded = true")
    shot(phone, "ballot-waiting-phone")

    # End the test's read transaction: the server wrote since (the sign-in), and SQLite refuses
    # a write from a transaction that began before another's.
    db.session.rollback()
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意共享厕所行动。",
        kind="roll_call",
        rule=RULE,
        created_by_id=convener.id,
    )
    db.session.add(motion)
    db.session.flush()
    open_motion(db.session, motion, datetime(2026, 12, 1, 7, 0))
    db.session.commit()

    # The change check runs every 5 s; the area reloads at the first one after the opening.
    expect(phone.get_by_role("button", name="赞成")).to_be_visible(timeout=15_000)
    assert phone.evaluate("window.notReloaded") is True, "the page itself was reloaded"
    expect(phone.locator(".ballot-area")).to_contain_text("同意共享厕所行动。")
    shot(phone, "ballot-waiting-phone-opened")
    laptop = open_context(LAPTOP).new_page()
    laptop.context.add_cookies(phone.context.cookies())
    laptop.goto(f"{live_server}/meetings/{meeting.id}/vote")
    expect(laptop.get_by_role("button", name="赞成")).to_be_visible()
    shot(laptop, "ballot-waiting-laptop-opened")
