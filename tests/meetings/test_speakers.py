"""The speaker queue (发言顺序): ordering rules without a client, then on the database."""

from datetime import timedelta

import pytest

from app import clock
from app.extensions import db
from app.meetings import speakers
from app.meetings.rules import MeetingError
from app.meetings.speakers import FloorRules, Hand, queue_order, raise_refusal
from tests.voting.helpers import check_in, seats_of, sitting

RULES = FloorRules()


def order(hands, spoken=None, last=None, rules=RULES):
    return [h.id for h in queue_order(hands, spoken or {}, last, rules)]


def test_sides_alternate_in_the_order_raised():
    """Three for then two against: for, against, for, against, for."""
    hands = [Hand(1, 11, "for", order=1), Hand(2, 12, "for", order=2), Hand(3, 13, "for", order=3)]
    hands += [Hand(4, 14, "against", order=4), Hand(5, 15, "against", order=5)]
    assert order(hands) == [1, 4, 2, 5, 3]


def test_after_a_speech_for_the_other_side_goes_next():
    """The last speech was for: the earliest against goes first even though raised later."""
    hands = [Hand(1, 11, "for", order=1), Hand(2, 12, "against", order=2)]
    assert order(hands, last="for") == [2, 1]


def test_unspoken_first_within_a_side():
    """Among those against, the one who has not spoken yet goes before the earlier hand."""
    hands = [Hand(1, 11, "against", order=1), Hand(2, 12, "against", order=2)]
    assert order(hands, spoken={11: 1}, last="for") == [2, 1]
    assert order(hands, spoken={11: 1}, last="for", rules=FloorRules(unspoken_first=False)) == [
        1,
        2,
    ]


def test_without_alternation_the_order_is_unspoken_then_raised():
    """A body that does not alternate: those who have not spoken, then by time."""
    rules = FloorRules(alternate=False)
    hands = [
        Hand(1, 11, "for", order=1),
        Hand(2, 12, "for", order=2),
        Hand(3, 13, "against", order=3),
    ]
    assert order(hands, spoken={11: 1}, rules=rules) == [2, 3, 1]


def test_when_one_side_runs_out_the_other_continues():
    """Nobody against waits: those for speak in turn."""
    hands = [Hand(1, 11, "for", order=1), Hand(2, 12, "for", order=2)]
    assert order(hands, last="for") == [1, 2]


def test_point_of_order_goes_ahead_of_the_queue():
    """A point of order (程序问题) is called first, whatever the sides."""
    hands = [Hand(1, 11, "against", order=1), Hand(2, 12, point_of_order=True, order=5)]
    assert order(hands, last="for") == [2, 1]


def test_the_limit_refuses_a_third_speech_but_not_a_point_of_order():
    """Two speeches on an item by default; a third hand is refused; a point of order is not."""
    ask = dict(in_session=True, checked_in=True, waiting=False, rules=RULES)
    assert raise_refusal(speeches_made=1, point_of_order=False, **ask) is None
    assert raise_refusal(speeches_made=2, point_of_order=False, **ask) == "limit_reached"
    assert raise_refusal(speeches_made=2, point_of_order=True, **ask) is None
    assert raise_refusal(**{**ask, "waiting": True}, speeches_made=0, point_of_order=False) == (
        "already_waiting"
    )
    assert raise_refusal(**{**ask, "checked_in": False}, speeches_made=0, point_of_order=False) == (
        "not_checked_in"
    )


def test_rules_from_json_and_the_nantang_preset():
    """Stored rules fill in the defaults; the 南塘十三条 preset is 2 speeches of 2 minutes."""
    assert FloorRules.from_json({}) == FloorRules()
    assert FloorRules.from_json({"minutes_per_speech": 3}).minutes_per_speech == 3
    nantang = speakers.PRESETS["nantang"]
    assert (nantang.speeches_per_item, nantang.minutes_per_speech) == (2, 2)
    assert nantang.alternate and nantang.unspoken_first
    with pytest.raises(ValueError, match="minutes_per_speech"):
        FloorRules(minutes_per_speech=0)


def test_seconds_left_runs_negative_when_over():
    """The countdown: 120 s allowed, 150 s spoken is 30 s over."""
    start = clock.now()
    assert speakers.seconds_left(120, start, start + timedelta(seconds=150)) == -30


# --- on the database ---------------------------------------------------------------------------


def test_raise_call_and_end_on_the_database(app, ctx):
    """Hands for and against are called alternately; the limit holds; time is kept."""
    body, convener, meeting, item = sitting()
    a, b, c = seats_of(body, "community")[:3]
    d = seats_of(body, "street")[0]
    check_in(meeting, [a, b, c, d])
    now = clock.now()
    speakers.raise_hand(db.session, item, a.holder_id, side="for", point_of_order=False, now=now)
    later = now + timedelta(seconds=1)
    speakers.raise_hand(db.session, item, b.holder_id, side="for", point_of_order=False, now=later)
    latest = now + timedelta(seconds=2)
    speakers.raise_hand(
        db.session, item, c.holder_id, side="against", point_of_order=False, now=latest
    )
    with pytest.raises(MeetingError, match="already_waiting"):
        speakers.raise_hand(
            db.session, item, a.holder_id, side="for", point_of_order=False, now=now
        )
    with pytest.raises(MeetingError, match="side_needed"):
        speakers.raise_hand(
            db.session,
            item,
            d.holder_id,
            side="none",
            point_of_order=False,
            now=now,
        )
    db.session.commit()
    state = speakers.floor(db.session, item, now)
    assert [r.user_id for r in state.queue] == [a.holder_id, c.holder_id, b.holder_id]
    first = speakers.call_next(db.session, item, now + timedelta(seconds=10))
    assert first.user_id == a.holder_id and first.allowed_seconds == 120
    second = speakers.call_next(db.session, item, now + timedelta(seconds=100))
    assert second.user_id == c.holder_id
    db.session.commit()
    state = speakers.floor(db.session, item, now + timedelta(seconds=130))
    assert state.speaking.user_id == c.holder_id
    assert dict(state.time_used)["community"] == 90 + 30
    speakers.end_speech(db.session, item, now + timedelta(seconds=200))
    db.session.commit()
    # a speaks again (second speech), then is over the limit
    speakers.raise_hand(
        db.session,
        item,
        a.holder_id,
        side="for",
        point_of_order=False,
        now=now + timedelta(seconds=201),
    )
    db.session.commit()
    speakers.call_next(db.session, item, now + timedelta(seconds=210))  # b: unspoken first
    speakers.call_next(db.session, item, now + timedelta(seconds=220))  # a again
    speakers.end_speech(db.session, item, now + timedelta(seconds=230))
    db.session.commit()
    with pytest.raises(MeetingError, match="limit_reached"):
        speakers.raise_hand(
            db.session, item, a.holder_id, side="for", point_of_order=False, now=now
        )
    lines = speakers.speeches_of_meeting(db.session, meeting.id, now)[item.id]
    assert [(line.side, line.seconds) for line in lines] == [
        ("for", 90),
        ("against", 100),
        ("for", 10),
        ("for", 10),
    ]


def test_convener_sets_the_nantang_preset_and_bad_input_is_422(app, ctx, client, login_as):
    """The body's 议事规则 page: a bad number is refused beside it; the preset sets 2 × 2 min."""
    from app.models import Body

    body, convener, meeting, item = sitting()
    login_as(convener)
    url = f"/b/{body.slug}/floor-rules"
    assert "南塘十三条" in client.get(url).text
    form = {
        "preset": "",
        "speeches_per_item": "0",
        "minutes_per_speech": "2",
        "proxy_scope": "any",
        "proxy_limit": "1",
    }
    bad = client.post(url, data=form)
    assert bad.status_code == 422 and "请填 1 到 10" in bad.text
    done = client.post(
        url, data=form | {"preset": "nantang", "speeches_per_item": "5", "proxy_limit": "2"}
    )
    assert done.status_code == 303
    db.session.expire_all()
    rules = FloorRules.from_json(db.session.get(Body, body.id).floor_rules)
    assert (rules.speeches_per_item, rules.minutes_per_speech, rules.proxy_limit) == (2, 2, 2)
    assert rules.alternate and rules.unspoken_first
    login_as(seats_of(body, "street")[0].holder)
    assert client.post(url, data=form).status_code == 403
