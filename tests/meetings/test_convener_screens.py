"""Convener screens: the substitute picker, agenda items after the meeting, minutes' seats."""

from app.extensions import db
from app.meetings import queries
from app.meetings.forms import SubstituteForm
from app.meetings.minutes import _seat_label
from app.models import AgendaItem
from tests.factories import make_body, make_convener, make_meeting, make_user


def test_candidates_are_only_this_bodys_members(ctx):
    """Members of another body and people with no seat anywhere are not offered."""
    ours = make_body(constituencies=[("商户", 2, None, False)])
    theirs = make_body(constituencies=[("居民", 2, None, False)])
    free = make_user("无席位的人")
    left = ours.constituencies[0].seat_list[1].holder
    left.active = False
    db.session.commit()
    names = {p.id for p, _seats in queries.substitute_candidates(db.session, ours.id)}
    our_members = {s.holder_id for c in ours.constituencies for s in c.seat_list}
    their_members = {s.holder_id for c in theirs.constituencies for s in c.seat_list}
    assert names == our_members - {left.id}
    assert free.id not in names and not names & their_members


def test_namesakes_are_told_apart_by_seat_and_phone(app, ctx):
    """Two 吴秀英 read as different choices: constituency, seat and last phone digits."""
    body = make_body(constituencies=[("商户", 2, None, False)])
    seats = body.constituencies[0].seat_list
    for seat, phone in zip(seats, ("13910000213", "13910000388"), strict=True):
        seat.holder.name, seat.holder.phone = "吴秀英", phone
    db.session.commit()
    with app.test_request_context():
        form = SubstituteForm([], queries.substitute_candidates(db.session, body.id))
        labels = [label for _value, label in form.user_id.choices if "吴秀英" in str(label)]
    assert sorted(labels) == ["吴秀英 · 商户 1 · 尾号 0213", "吴秀英 · 商户 2 · 尾号 0388"]


def test_room_page_offers_no_member_of_another_body(ctx, client, login_as):
    """On the convener's page the picker holds nobody of another body or of no body."""
    body = make_body(constituencies=[("商户", 1, None, False)])
    other = make_body(constituencies=[("居民", 1, None, False)])
    outsider = other.constituencies[0].seat_list[0].holder
    outsider.name = "别会成员"
    make_user("无席位的人")
    db.session.commit()
    meeting = make_meeting(body, status="in_session")
    page = login_as(make_convener(body)).get(f"/meetings/{meeting.id}/manage").text
    assert "别会成员" not in page and "无席位的人" not in page and "尾号" in page


def test_agenda_items_stop_offering_a_vote_after_the_meeting(ctx, client, login_as):
    """The hint 会议开始后可以在这里发起表决 shows before the meeting, not after it ended."""
    body = make_body(constituencies=[("商户", 1, None, False)])
    convener = make_convener(body)
    hint = "会议开始后可以在这里发起表决。"
    for status, shown in (("draft", True), ("closed", False)):
        meeting = make_meeting(body, status=status)
        db.session.add(
            AgendaItem(meeting_id=meeting.id, position=1, title="表决事项", kind="decision")
        )
        db.session.commit()
        page = login_as(convener).get(f"/meetings/{meeting.id}/manage").text
        assert (hint in page) is shown, status


def test_minutes_name_a_represented_seat_with_single_brackets(ctx):
    """商户 3（张记面馆）（郭桂兰） was doubled: the seat now reads 商户 3 · 张记面馆."""
    body = make_body(constituencies=[("商户", 1, None, False)])
    seat = body.constituencies[0].seat_list[0]
    seat.represents = "张记面馆"
    assert _seat_label(seat) == "商户 1 · 张记面馆"
