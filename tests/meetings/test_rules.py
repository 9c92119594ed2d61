"""The meeting rules as plain functions: states, agenda order, proxies, quorum, rates."""

from datetime import datetime, timedelta

import pytest

from app.meetings import rules
from app.meetings.rules import MeetingError
from app.models import AgendaItem, Meeting

NOW = datetime(2026, 11, 20, 2, 0)


def _meeting(status="draft", items=0, starts=NOW + timedelta(days=10), notice=3) -> Meeting:
    meeting = Meeting(title="会", starts_at=starts, status=status, notice_days=notice)
    for n in range(1, items + 1):
        meeting.items.append(AgendaItem(position=n, title=f"议程{n}", kind="discussion"))
    return meeting


def test_publish_start_close_in_order():
    """Draft → published → in session → closed, each stamped with the time."""
    meeting = _meeting(items=1)
    assert rules.allowed_actions(meeting) == ["publish"]
    assert rules.transition(meeting, "publish", NOW) == []
    assert (meeting.status, meeting.published_at) == ("published", NOW)
    rules.transition(meeting, "start", NOW)
    rules.transition(meeting, "close", NOW)
    assert (meeting.status, meeting.closed_at) == ("closed", NOW)
    assert rules.allowed_actions(meeting) == []


@pytest.mark.parametrize(
    ("status", "action"),
    [
        ("draft", "start"),
        ("draft", "close"),
        ("published", "publish"),
        ("published", "close"),
        ("in_session", "publish"),
        ("closed", "start"),
        ("closed", "close"),
    ],
)
def test_transitions_refused_from_the_wrong_state(status, action):
    """Every action is refused outside its source state, and the state stays as it was."""
    meeting = _meeting(status=status, items=1)
    with pytest.raises(MeetingError) as refused:
        rules.transition(meeting, action, NOW)
    assert refused.value.code == "wrong_state"
    assert meeting.status == status


def test_publishing_needs_an_item():
    """An empty agenda cannot be published."""
    meeting = _meeting(items=0)
    with pytest.raises(MeetingError, match="empty_agenda"):
        rules.transition(meeting, "publish", NOW)
    assert meeting.status == "draft"


def test_short_notice_warns_but_publishes():
    """Publishing with less than the notice period left warns and still publishes."""
    meeting = _meeting(items=1, starts=NOW + timedelta(days=2, hours=23), notice=3)
    assert rules.transition(meeting, "publish", NOW) == ["short_notice"]
    assert meeting.status == "published"
    assert not rules.notice_is_short(_meeting(starts=NOW + timedelta(days=3)), NOW)


def test_move_item_swaps_neighbours_and_stops_at_the_ends():
    """Up/down swap an item with its neighbour; the first cannot go up, the last not down."""
    meeting = _meeting(items=3)
    first, second, third = meeting.items
    assert rules.move_item(meeting, third, "up")
    assert [i.title for i in sorted(meeting.items, key=lambda i: i.position)] == [
        "议程1",
        "议程3",
        "议程2",
    ]
    assert not rules.move_item(meeting, first, "up")
    assert not rules.move_item(meeting, second, "down")
    assert not rules.move_item(meeting, first, "sideways")


def test_closed_meeting_agenda_is_frozen():
    """Nothing is added, moved or removed once the meeting is closed."""
    meeting = _meeting(status="closed", items=2)
    with pytest.raises(MeetingError, match="closed"):
        rules.add_item(meeting, title="迟到的议程")
    with pytest.raises(MeetingError, match="closed"):
        rules.move_item(meeting, meeting.items[1], "up")
    with pytest.raises(MeetingError, match="closed"):
        rules.remove_item(meeting, meeting.items[0])


def test_remove_renumbers_and_add_goes_last():
    """Removing closes the gap; a new item goes after the last one."""
    meeting = _meeting(items=3)
    rules.remove_item(meeting, meeting.items[0])
    assert [i.position for i in meeting.items] == [1, 2]
    assert rules.add_item(meeting, title="新", kind="decision").position == 3


def test_current_item_only_in_session():
    """The room can only be pointed at an item while the meeting is in session."""
    meeting = _meeting(status="published", items=1)
    with pytest.raises(MeetingError, match="not_in_session"):
        rules.set_current_item(meeting, meeting.items[0])


PROXY = dict(seat_id=1, seat_voter_id=10, holder_id=20, present_people={20}, proxied_seats={})


@pytest.mark.parametrize(
    ("changes", "code"),
    [
        ({"holder_id": 10, "present_people": {10}}, "self"),
        ({"proxied_seats": {1: 30}}, "seat_taken"),
        ({"present_people": set()}, "not_present"),
        ({"proxied_seats": {2: 20}}, "holder_busy"),
    ],
)
def test_proxy_refusals(changes, code):
    """A proxy is refused to oneself, twice per seat, to an absent member, or to a busy one."""
    with pytest.raises(MeetingError) as refused:
        rules.check_proxy(**(PROXY | changes), allow_multiple=False)
    assert refused.value.code == code


def test_proxy_to_a_present_member_is_allowed_and_several_when_the_body_allows():
    """A present member may carry a proxy, and several only when the body allows it."""
    assert rules.check_proxy(**PROXY, allow_multiple=False) is None
    assert rules.check_proxy(**(PROXY | {"proxied_seats": {2: 20}}), allow_multiple=True) is None


MORE_THAN_HALF = {"quorum": {"op": ">", "value": "1/2"}}


def test_quorum_flips_exactly_at_the_threshold():
    """More than half of 20 seats: 10 present is short by one, 11 present holds."""
    ten = rules.quorum(10, 20, MORE_THAN_HALF)
    eleven = rules.quorum(11, 20, MORE_THAN_HALF)
    assert (ten.met, ten.short_by) == (False, 1)
    assert (eleven.met, eleven.short_by) == (True, 0)


def test_quorum_at_least_two_thirds_and_none():
    """'At least 2/3' of 21 needs 14; a rule without quorum always holds."""
    assert rules.quorum(13, 21, {"quorum": {"op": ">=", "value": "2/3"}}).short_by == 1
    assert rules.quorum(14, 21, {"quorum": {"op": ">=", "value": "2/3"}}).met
    none = rules.quorum(0, 21, {"threshold": {"op": ">", "value": "1/2"}})
    assert none.met and none.test is None


def test_attendance_rate_rounds_half_up_exactly():
    """出席率 has one decimal, rounded half up on the exact fraction."""
    assert rules.attendance_rate(17, 20) == "85.0%"
    assert rules.attendance_rate(2, 3) == "66.7%"
    assert rules.attendance_rate(1, 8) == "12.5%"
    assert rules.attendance_rate(0, 0) == "—"


def test_meeting_cannot_close_while_a_vote_is_open():
    """An open vote blocks closing the meeting; once it is closed or cancelled, closing works."""
    from app.models import Motion

    meeting = _meeting(status="in_session", items=1)
    motion = Motion(text="动议", rule={}, status="open")
    meeting.items[0].motions.append(motion)
    with pytest.raises(MeetingError) as refused:
        rules.transition(meeting, "close", NOW)
    assert refused.value.code == "vote_open" and meeting.status == "in_session"
    motion.status = "cancelled"
    rules.transition(meeting, "close", NOW)
    assert meeting.status == "closed"


@pytest.mark.parametrize(
    ("status", "check_in", "public", "closed", "sitting"),
    [
        ("draft", False, False, False, False),
        ("published", True, True, False, False),
        ("in_session", True, True, False, True),
        ("closed", False, True, True, False),
    ],
)
def test_meeting_predicates_follow_its_state(status, check_in, public, closed, sitting):
    """Check-in runs from publishing to closing; the agenda is public from publishing on."""
    meeting = _meeting(status=status)
    assert meeting.accepts_check_in is check_in
    assert meeting.agenda_is_public is public
    assert meeting.is_closed is closed
    assert meeting.in_session is sitting


def test_new_meeting_is_a_draft_with_a_secret_token():
    """A new meeting starts as a draft with its details and a random check-in token."""
    first = rules.new_meeting(7, title="会", starts_at=NOW, place="二楼", notice_days=3)
    second = rules.new_meeting(7, title="会", starts_at=NOW, place="二楼", notice_days=3)
    assert (first.body_id, first.status, first.place) == (7, "draft", "二楼")
    assert len(first.checkin_token) >= 20 and first.checkin_token != second.checkin_token


def test_change_details_returns_the_summary_from_before():
    """Changing the details sets only known fields and hands back the old summary for the log."""
    meeting = _meeting(status="published")
    meeting.place = "一楼"
    before = rules.change_details(meeting, place="二楼", notice_days=5, status="closed")
    assert before["place"] == "一楼" and before["starts_at"] == meeting.starts_at.isoformat()
    assert (meeting.place, meeting.notice_days, meeting.status) == ("二楼", 5, "published")
    with pytest.raises(MeetingError, match="closed"):
        rules.change_details(_meeting(status="closed"), place="三楼")


def test_edit_item_strips_the_title_and_returns_the_old_values():
    """An edited item keeps its new values (title without spaces); the old ones come back."""
    meeting = _meeting(items=1)
    item = meeting.items[0]
    before = rules.edit_item(meeting, item, title="  新名称 ", kind="decision", position=9)
    assert before["title"] == "议程1" and before["kind"] == "discussion"
    assert (item.title, item.kind, item.position) == ("新名称", "decision", 1)
    closed = _meeting(status="closed", items=1)
    with pytest.raises(MeetingError, match="closed"):
        rules.edit_item(closed, closed.items[0], title="迟到")


def test_notes_are_kept_until_closing():
    """Notes replace the old ones (returned) until the meeting closes."""
    meeting = _meeting(status="in_session", items=1)
    item = meeting.items[0]
    item.notes = ""
    assert rules.keep_notes(meeting, item, "先试点") == ""
    assert rules.keep_notes(meeting, item, "再试点") == "先试点"
    meeting.status = "closed"
    with pytest.raises(MeetingError, match="closed"):
        rules.keep_notes(meeting, item, "会后")
    assert item.notes == "再试点"
