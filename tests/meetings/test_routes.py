"""The meeting pages: agenda builder, states, ICS, check-in, proxies, presence, minutes."""

import secrets
from datetime import datetime

import icalendar
import pytest
import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.models import AgendaItem, Attendance, Meeting, Proxy, Substitute, Topic, User
from tests.factories import make_body, make_convener, make_meeting, make_user

HX = {"HX-Request": "true"}
MORE_THAN_HALF = {
    "weighting": "seat",
    "base": "cast",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}


@pytest.fixture
def room(ctx):
    """A 20-seat body (quorum more than half), its convener and a draft meeting with 3 items."""
    body = make_body(
        constituencies=[("community", 12, None, False), ("merchant", 8, None, True)],
        rule=MORE_THAN_HALF,
        holders=False,
    )
    _fill_seats(body)
    convener = make_convener(body)
    meeting = make_meeting(body, starts_at=datetime(2026, 12, 1, 6, 30), place="二楼会议室")
    for n, kind in enumerate(("information", "discussion", "decision"), start=1):
        db.session.add(AgendaItem(meeting_id=meeting.id, position=n, title=f"议程{n}", kind=kind))
    db.session.commit()
    return body, convener, meeting


def _fill_seats(body):
    """Give every seat a member; no passwords, so the fixture stays fast."""
    for seat in _seats(body):
        seat.holder = User(name=f"{seat.constituency.key}{seat.number}")
    db.session.commit()


def _seats(body):
    return [seat for c in body.constituencies for seat in c.seat_list]


def _titles(meeting_id):
    db.session.expire_all()
    return [i.title for i in db.session.get(Meeting, meeting_id).items]


def _check_in(meeting, seats):
    for seat in seats:
        db.session.add(
            Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
        )
    db.session.commit()


def test_reorder_persists_and_answers_the_partial(room, login_as, captured_templates):
    """Moving an item down with htmx keeps the new order and answers the builder partial."""
    body, convener, meeting = room
    item = meeting.items[0]
    client = login_as(convener)
    response = client.post(
        f"/meetings/{meeting.id}/items/{item.id}/move", data={"direction": "down"}, headers=HX
    )
    assert response.status_code == 200
    assert captured_templates[0] == "meetings/partials/agenda_builder.html"
    assert _titles(meeting.id) == ["议程2", "议程1", "议程3"]
    response = client.post(
        f"/meetings/{meeting.id}/items/{meeting.items[2].id}/move", data={"direction": "up"}
    )
    assert response.status_code == 303
    assert _titles(meeting.id) == ["议程2", "议程3", "议程1"]


def test_reorder_refused_to_a_member_and_anonymous(room, client, login_as):
    """A member gets 403 and an anonymous visitor is sent to sign in; the order is unchanged."""
    body, _, meeting = room
    url = f"/meetings/{meeting.id}/items/{meeting.items[0].id}/move"
    anonymous = client.post(url, data={"direction": "down"})
    assert anonymous.status_code == 302 and "/sign-in" in anonymous.location
    member = _seats(body)[0].holder
    assert login_as(member).post(url, data={"direction": "down"}).status_code == 403
    assert _titles(meeting.id) == ["议程1", "议程2", "议程3"]


@pytest.mark.parametrize(
    "path",
    [
        "/meetings/{id}/manage",
        "/meetings/{id}/projector",
        "/meetings/{id}/edit",
        "/meetings/{id}/items/{item}/edit",
    ],
)
def test_convener_pages_refuse_other_roles(room, client, login_as, path):
    """The convener's pages: anonymous → sign in, a member → 403, the convener → 200."""
    body, convener, meeting = room
    url = path.format(id=meeting.id, item=meeting.items[0].id)
    assert client.get(url).status_code == 302
    assert login_as(_seats(body)[0].holder).get(url).status_code == 403
    assert login_as(convener).get(url).status_code == 200


@pytest.mark.parametrize(
    ("path", "data"),
    [
        ("/meetings/{id}/status", {"action": "publish"}),
        ("/meetings/{id}/items", {"title": "新议程", "kind": "decision", "minutes_allotted": 5}),
        ("/meetings/{id}/items/{item}/remove", {}),
        ("/meetings/{id}/items/{item}/notes", {"notes": "记录"}),
        ("/meetings/{id}/seats/{seat}/check-in", {}),
        ("/meetings/{id}/proxies", {"seat_id": "{seat}", "holder_id": "1"}),
        ("/meetings/{id}/substitutes", {"seat_id": "{seat}", "user_id": "1"}),
    ],
)
def test_convener_actions_refuse_other_roles(room, client, login_as, path, data):
    """Every change in the room: anonymous → sign in, a member → 403, nothing stored."""
    body, _, meeting = room
    seat = _seats(body)[0]
    ids = {"id": meeting.id, "item": meeting.items[0].id, "seat": seat.id}
    url = path.format(**ids)
    data = {k: str(v).format(**ids) for k, v in data.items()}
    assert client.post(url, data=data).status_code == 302
    assert login_as(seat.holder).post(url, data=data).status_code == 403
    db.session.expire_all()
    meeting = db.session.get(Meeting, meeting.id)
    assert meeting.status == "draft" and len(meeting.items) == 3


def test_publish_makes_the_agenda_public_with_a_valid_ics(room, client, login_as):
    """A draft is hidden; once published the agenda page and a parseable ICS event are public."""
    body, convener, meeting = room
    assert client.get(f"/meetings/{meeting.id}").status_code == 404
    assert client.get(f"/meetings/{meeting.id}.ics").status_code == 404
    with time_machine.travel(datetime(2026, 11, 20, 2, 0), tick=False):
        login_as(convener).post(f"/meetings/{meeting.id}/status", data={"action": "publish"})
    client.post("/sign-out")
    page = client.get(f"/meetings/{meeting.id}")
    assert page.status_code == 200
    assert "议程3" in page.text and "议程已发布" in page.text
    response = client.get(f"/meetings/{meeting.id}.ics")
    assert response.mimetype == "text/calendar"
    event = icalendar.Calendar.from_ical(response.data).walk("VEVENT")[0]
    assert str(event["summary"]) == "季度联席会议"
    assert event.decoded("dtstart") == datetime(
        2026, 12, 1, 6, 30, tzinfo=event.decoded("dtstart").tzinfo
    )
    assert event.decoded("dtstart").utcoffset().total_seconds() == 0
    assert str(event["location"]) == "二楼会议室"
    assert "议程1" in str(event["description"])


def test_publishing_empty_agenda_is_refused_in_words(ctx, login_as):
    """Publishing with no item is refused, said in words, and the meeting stays a draft."""
    body = make_body(constituencies=[("a", 2, None, False)])
    convener = make_convener(body)
    meeting = make_meeting(body)
    client = login_as(convener)
    response = client.post(
        f"/meetings/{meeting.id}/status", data={"action": "publish"}, follow_redirects=True
    )
    assert "议程还是空的" in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "draft"


def test_transition_from_the_wrong_state_is_refused(room, login_as):
    """Closing a draft or starting it is refused; the state does not move."""
    _, convener, meeting = room
    client = login_as(convener)
    for action in ("close", "start"):
        response = client.post(
            f"/meetings/{meeting.id}/status", data={"action": action}, follow_redirects=True
        )
        assert "会议现在的状态不能这样操作" in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "draft"


def test_short_notice_publish_warns(room, login_as):
    """Publishing two days before a meeting with three days' notice warns but publishes."""
    _, convener, meeting = room
    with time_machine.travel(datetime(2026, 11, 29, 6, 30), tick=False):
        response = login_as(convener).post(
            f"/meetings/{meeting.id}/status", data={"action": "publish"}, follow_redirects=True
        )
    assert "少于规定的提前通知时间" in response.text
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).status == "published"


def test_changes_after_publishing_are_listed_publicly(room, client, login_as):
    """Adding an item after publishing appears in the public 议程变更记录; draft edits do not."""
    _, convener, meeting = room
    client = login_as(convener)
    client.post(
        f"/meetings/{meeting.id}/items",
        data={"title": "草稿时加的", "kind": "discussion", "minutes_allotted": 5},
    )
    client.post(f"/meetings/{meeting.id}/status", data={"action": "publish"})
    client.post(
        f"/meetings/{meeting.id}/items",
        data={"title": "临时增加的议程", "kind": "decision", "minutes_allotted": 5},
    )
    page = client.get(f"/meetings/{meeting.id}").text
    assert "议程变更记录" in page and "新增议程：临时增加的议程" in page
    assert "新增议程：草稿时加的" not in page


def test_item_from_an_accepted_topic_puts_it_on_the_agenda(room, login_as):
    """Choosing an accepted topic adds an item with its title and moves the topic on_agenda."""
    body, convener, meeting = room
    topic = Topic(
        body_id=body.id,
        receipt_no="T-1",
        follow_token_hash=secrets.token_hex(32),
        title="共享厕所",
        description="开放厕所",
        category="设施",
        status="accepted",
    )
    db.session.add(topic)
    db.session.commit()
    response = login_as(convener).post(
        f"/meetings/{meeting.id}/items",
        data={"topic_id": str(topic.id), "title": "", "kind": "decision", "minutes_allotted": 15},
        headers=HX,
    )
    assert response.status_code == 200
    assert _titles(meeting.id)[-1] == "共享厕所"
    assert db.session.get(Topic, topic.id).status == "on_agenda"


def test_free_text_item_without_title_is_refused_next_to_the_field(room, login_as):
    """An item with neither topic nor title is refused with the message and the typed values."""
    _, convener, meeting = room
    response = login_as(convener).post(
        f"/meetings/{meeting.id}/items",
        data={"title": "", "presenter": "王主任", "kind": "decision", "minutes_allotted": 7},
    )
    assert response.status_code == 422
    assert "请填写议程名称" in response.text and 'value="王主任"' in response.text
    assert len(_titles(meeting.id)) == 3


def test_meeting_time_is_entered_in_local_time(ctx, login_as):
    """14:30 typed in Asia/Shanghai is stored as 06:30 UTC."""
    body = make_body(constituencies=[("a", 2, None, False)])
    convener = make_convener(body)
    response = login_as(convener).post(
        f"/b/{body.slug}/meetings/new",
        data={
            "title": "冬季会",
            "starts_at": "2026-12-01T14:30",
            "duration": "90",
            "place": "会议室",
            "notice_days": "3",
        },
    )
    assert response.status_code == 303
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.title == "冬季会"))
    assert meeting.starts_at == datetime(2026, 12, 1, 6, 30)
    assert meeting.ends_at == datetime(2026, 12, 1, 8, 0)


def test_qr_check_in_twice_counts_once(room, client, login_as):
    """A member checking in twice by the QR link has one attendance, and sees it in words."""
    body, _, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    member = _seats(body)[0].holder
    url = f"/checkin/{meeting.checkin_token}"
    anonymous = client.get(url)
    # not stranded at a password form: told how to get in by personal link (issue 18)
    assert anonymous.status_code == 200 and "个人链接" in anonymous.text
    assert "/sign-in?next=" in anonymous.text
    client = login_as(member)
    assert "我到了，签到" in client.get(url).text
    client.post(url)
    page = client.post(url, follow_redirects=True).text
    count = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Attendance)
        .where(Attendance.meeting_id == meeting.id)
    )
    assert count == 1
    assert "您已签到 ✓" in page


def test_check_in_refused_before_publishing(room, login_as):
    """No one checks in to a draft meeting."""
    body, _, meeting = room
    page = (
        login_as(_seats(body)[0].holder)
        .post(f"/checkin/{meeting.checkin_token}", follow_redirects=True)
        .text
    )
    assert "议程发布后" in page
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Attendance)) == 0


def test_proxy_to_a_non_present_member_is_refused(room, login_as):
    """A proxy to someone who has not checked in is refused next to the field, not stored."""
    body, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    seats = _seats(body)
    response = login_as(convener).post(
        f"/meetings/{meeting.id}/proxies",
        data={"seat_id": str(seats[0].id), "holder_id": str(seats[1].holder_id)},
    )
    assert response.status_code == 422
    assert "受托人还没有签到" in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proxy)) == 0


def test_proxy_to_a_present_member_is_recorded_once_per_holder(room, login_as):
    """A present member takes one proxy; a second one is refused when the body forbids it."""
    body, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    seats = _seats(body)
    _check_in(meeting, [seats[1]])
    client = login_as(convener)
    url = f"/meetings/{meeting.id}/proxies"
    ok = client.post(url, data={"seat_id": str(seats[0].id), "holder_id": str(seats[1].holder_id)})
    assert ok.status_code == 303
    proxy = db.session.scalar(sa.select(Proxy))
    assert (proxy.holder_id, proxy.set_by_id) == (seats[1].holder_id, convener.id)
    again = client.post(
        url, data={"seat_id": str(seats[2].id), "holder_id": str(seats[1].holder_id)}
    )
    assert again.status_code == 422 and "不允许一人接受多项委托" in again.text


def test_convener_ticks_a_seat_in(room, login_as, captured_templates):
    """The convener ticks a seat in from the roster: method convener, roster partial back."""
    body, convener, meeting = room
    meeting.status = "published"
    db.session.commit()
    seat = _seats(body)[3]
    response = login_as(convener).post(
        f"/meetings/{meeting.id}/seats/{seat.id}/check-in", headers=HX
    )
    assert response.status_code == 200
    assert captured_templates[0] == "meetings/partials/roster.html"
    attendance = db.session.scalar(sa.select(Attendance))
    assert (attendance.seat_id, attendance.user_id, attendance.method) == (
        seat.id,
        seat.holder_id,
        "convener",
    )


def test_quorum_indicator_flips_at_eleven_of_twenty(room, client, captured_templates):
    """More than half of 20 seats: 10 present is short by one seat, 11 present holds."""
    body, _, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    seats = _seats(body)
    _check_in(meeting, seats[:10])
    ten = client.get(f"/meetings/{meeting.id}/presence", headers=HX)
    assert captured_templates[-1] == "meetings/partials/presence.html"
    assert "未达到法定人数（还差 1 席）" in ten.text
    _check_in(meeting, seats[10:11])
    eleven = client.get(f"/meetings/{meeting.id}/presence", headers=HX)
    assert "已达到法定人数" in eleven.text and "未达到" not in eleven.text


def test_presence_answers_304_until_someone_checks_in(room, client):
    """Unchanged presence answers 304 to its ETag; after a check-in, 200 with a new ETag."""
    body, _, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    url = f"/meetings/{meeting.id}/presence"
    first = client.get(url, headers=HX)
    etag = first.headers["ETag"]
    assert first.status_code == 200 and not etag.startswith("W/")
    same = client.get(url, headers=HX | {"If-None-Match": etag})
    assert same.status_code == 304 and same.data == b""
    _check_in(meeting, _seats(body)[:1])
    changed = client.get(url, headers=HX | {"If-None-Match": etag})
    assert changed.status_code == 200
    assert changed.headers["ETag"] != etag


def test_polled_panels_vary_on_htmx_and_the_person(room, client, login_as):
    """The presence and projector polls are private, vary on HX-Request and Cookie, and 304."""
    _, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    presence = client.get(f"/meetings/{meeting.id}/presence", headers=HX)
    projector_url = f"/meetings/{meeting.id}/projector"
    convener_client = login_as(convener)
    projector = convener_client.get(projector_url, headers=HX)
    for response in (presence, projector):
        assert response.headers["Cache-Control"] == "private, no-cache"
        assert {"HX-Request", "Cookie"} <= set(response.vary)
    again = convener_client.get(
        projector_url, headers=HX | {"If-None-Match": projector.headers["ETag"]}
    )
    assert again.status_code == 304


def test_projector_shows_the_current_item_and_the_qr(room, login_as):
    """The projector has no site chrome, shows the current item, presence and the QR code."""
    _, convener, meeting = room
    meeting.status = "in_session"
    meeting.current_item_id = meeting.items[1].id
    db.session.commit()
    page = login_as(convener).get(f"/meetings/{meeting.id}/projector").text
    assert "议程2" in page and "<svg" in page and "出席情况" in page
    assert "site-header" not in page


def test_set_current_item(room, login_as):
    """In session the convener points the room at an item."""
    _, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    item = meeting.items[2]
    login_as(convener).post(f"/meetings/{meeting.id}/current", data={"item_id": str(item.id)})
    db.session.expire_all()
    assert db.session.get(Meeting, meeting.id).current_item_id == item.id


def test_minutes_contain_the_attendance_table(room, login_as):
    """The minutes page and its Markdown show 应到/实到/出席率 per constituency."""
    body, convener, meeting = room
    meeting.status = "closed"
    db.session.commit()
    _check_in(meeting, _seats(body)[:15])
    client = login_as(convener)
    page = client.get(f"/meetings/{meeting.id}/minutes").text
    assert "应到" in page and "实到" in page and "出席率" in page
    assert "75.0%" in page and "已达到法定人数" in page
    md = client.get(f"/meetings/{meeting.id}/minutes.md")
    assert md.mimetype == "text/markdown"
    assert "| community | 12 | 12 | 100.0% |" in md.text
    assert "| merchant | 8 | 3 | 37.5% |" in md.text


def test_minutes_refused_to_outsiders_until_closed_or_when_members_only(room, login_as, client):
    """Outsiders read the minutes once the meeting is closed, unless the body keeps them."""
    body, _, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    outsider = make_user()
    assert login_as(outsider).get(f"/meetings/{meeting.id}/minutes").status_code == 403
    client.post("/sign-out")
    anonymous = client.get(f"/meetings/{meeting.id}/minutes")
    assert anonymous.status_code == 302 and "sign-in" in anonymous.location
    meeting.status = "closed"
    db.session.commit()
    page = client.get(f"/meetings/{meeting.id}/minutes")
    assert page.status_code == 200 and "逐席出席名单" in page.text and "签字" in page.text
    assert client.get(f"/meetings/{meeting.id}/minutes.md").status_code == 200
    body.minutes_members_only = True
    db.session.commit()
    assert login_as(outsider).get(f"/meetings/{meeting.id}/minutes").status_code == 403
    assert (
        login_as(_seats(body)[0].holder).get(f"/meetings/{meeting.id}/minutes").status_code == 200
    )


def test_member_sees_check_in_state_on_the_agenda_page(room, login_as):
    """In session, a member's agenda page offers the big button, then says they checked in."""
    body, _, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    client = login_as(_seats(body)[0].holder)
    assert "我到了，签到" in client.get(f"/meetings/{meeting.id}").text
    page = client.post(f"/meetings/{meeting.id}/check-in", follow_redirects=True).text
    assert "您已签到 ✓" in page
    assert db.session.scalar(sa.select(Attendance.method)) == "link"


def test_notes_are_kept_until_the_meeting_closes(room, login_as):
    """Notes are saved while the meeting runs; too long notes keep the text; closed refuses."""
    _, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    item = meeting.items[0]
    client = login_as(convener)
    url = f"/meetings/{meeting.id}/items/{item.id}/notes"
    client.post(url, data={"notes": "大家同意先试点。"})
    assert db.session.get(AgendaItem, item.id).notes == "大家同意先试点。"
    too_long = client.post(url, data={"notes": "长" * 8001})
    assert too_long.status_code == 422 and "长" * 8001 in too_long.text
    assert "最多 8000 个字" in too_long.text
    meeting = db.session.get(Meeting, meeting.id)
    meeting.status = "closed"
    db.session.commit()
    client.post(url, data={"notes": "会后改的"})
    assert db.session.get(AgendaItem, item.id).notes == "大家同意先试点。"


def test_meeting_list_public_and_for_conveners(room, client, login_as):
    """Visitors see published meetings only; a convener also sees drafts and the new form."""
    body, convener, meeting = room
    public = client.get(f"/b/{body.slug}/meetings").text
    assert meeting.title not in public and "新建会议" not in public
    page = login_as(convener).get(f"/b/{body.slug}/meetings").text
    assert meeting.title in page and "新建会议" in page and "草稿" in page


def test_new_meeting_form_keeps_what_was_typed(room, login_as):
    """A meeting without a start time is refused next to the field, the title kept."""
    body, convener, _ = room
    response = login_as(convener).post(
        f"/b/{body.slug}/meetings/new",
        data={"title": "临时会议", "starts_at": "", "notice_days": "3", "duration": "60"},
    )
    assert response.status_code == 200
    assert "请填写开始时间" in response.text and 'value="临时会议"' in response.text


def test_time_change_after_publishing_is_listed(room, client, login_as):
    """Changing the meeting after publishing appears in the public change list."""
    _, convener, meeting = room
    client = login_as(convener)
    client.post(f"/meetings/{meeting.id}/status", data={"action": "publish"})
    response = client.post(
        f"/meetings/{meeting.id}/edit",
        data={
            "title": "季度联席会议",
            "starts_at": "2026-12-02T09:00",
            "duration": "120",
            "place": "一楼大厅",
            "notice_days": "3",
        },
    )
    assert response.status_code == 303
    page = client.get(f"/meetings/{meeting.id}").text
    assert "修改会议信息：季度联席会议" in page and "一楼大厅" in page


def test_removing_an_item_returns_its_topic(room, login_as):
    """Taking a topic's item off the agenda puts the topic back among the accepted ones."""
    body, convener, meeting = room
    topic = Topic(
        body_id=body.id,
        receipt_no="T-2",
        follow_token_hash=secrets.token_hex(32),
        title="路灯",
        description="路灯坏了",
        category="设施",
        status="accepted",
    )
    db.session.add(topic)
    db.session.commit()
    client = login_as(convener)
    client.post(
        f"/meetings/{meeting.id}/items",
        data={"topic_id": str(topic.id), "kind": "decision", "minutes_allotted": 5},
    )
    item = db.session.scalar(sa.select(AgendaItem).where(AgendaItem.topic_id == topic.id))
    assert db.session.get(Topic, topic.id).status == "on_agenda"
    client.post(f"/meetings/{meeting.id}/items/{item.id}/remove")
    assert db.session.get(Topic, topic.id).status == "accepted"
    assert _titles(meeting.id) == ["议程1", "议程2", "议程3"]


def test_substitute_checks_in_for_the_seat(room, client, login_as):
    """With a substitute (another member of the body) set, the substitute checks the seat in."""
    body, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    seat, stand_in = _seats(body)[0], _seats(body)[-1].holder
    login_as(convener).post(
        f"/meetings/{meeting.id}/substitutes",
        data={"seat_id": str(seat.id), "user_id": str(stand_in.id)},
    )
    holder_page = login_as(seat.holder).get(f"/checkin/{meeting.checkin_token}").text
    assert "没有需要签到的席位" in holder_page
    login_as(stand_in).post(f"/checkin/{meeting.checkin_token}")
    attendance = db.session.scalar(sa.select(Attendance).where(Attendance.seat_id == seat.id))
    assert attendance.user_id == stand_in.id


def test_a_substitute_from_outside_the_body_is_refused(room, login_as):
    """Someone holding no seat of this body cannot be made a substitute, even by a forged form."""
    body, convener, meeting = room
    meeting.status = "in_session"
    stranger = User(name="替补人")
    db.session.add(stranger)
    db.session.commit()
    response = login_as(convener).post(
        f"/meetings/{meeting.id}/substitutes",
        data={"seat_id": str(_seats(body)[0].id), "user_id": str(stranger.id)},
    )
    assert response.status_code == 422
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Substitute)) == 0


def test_withdrawing_a_proxy(room, login_as):
    """The convener withdraws a proxy; the seat is then free for another one."""
    body, convener, meeting = room
    meeting.status = "in_session"
    db.session.commit()
    seats = _seats(body)
    _check_in(meeting, [seats[1]])
    db.session.add(
        Proxy(
            meeting_id=meeting.id,
            seat_id=seats[0].id,
            holder_id=seats[1].holder_id,
            set_by_id=convener.id,
        )
    )
    db.session.commit()
    client = login_as(convener)
    page = client.get(f"/meetings/{meeting.id}/manage").text
    assert "撤销委托" in page and "结束会议" in page and "发布议程" not in page
    client.post(f"/meetings/{meeting.id}/seats/{seats[0].id}/release", data={"what": "proxy"})
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Proxy)) == 0
