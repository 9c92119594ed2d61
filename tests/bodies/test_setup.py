"""Set-up rules of a body (shares, seat suggestion, resizing, roster warnings), no client."""

from fractions import Fraction

import pytest

from app import clock
from app.bodies import setup
from app.bodies.setup import SetupError
from app.counting import presets
from app.extensions import db
from app.models import Ballot, Body, Motion, Seat
from app.models.accounts import hash_token
from tests.bodies.helpers import make_filled_body
from tests.factories import make_body, make_meeting, make_user

QUOTAS_23 = [
    ("merchant", 10, "2/5", True),
    ("resident", 8, "7/20", False),
    ("official", 5, "1/4", False),
]


@pytest.mark.parametrize("text", ["2/5", "0.4", "40%", "４０％", " 2 / 5 ", ".4", "40.0%"])
def test_share_parsing_reads_every_way_people_write_two_fifths(text):
    """Two fifths written as 2/5, 0.4, 40% or full-width ４０％ are all exactly 2/5."""
    assert setup.parse_share(text) == Fraction(2, 5)


@pytest.mark.parametrize("text", ["abc", "0", "0%", "1/0", "120%", "3/2", "-1/2", "2/5%"])
def test_share_parsing_refuses_what_is_not_a_share(text):
    """Words, zero, more than 1 and division by zero are refused with a reason."""
    with pytest.raises(SetupError):
        setup.parse_share(text)


def test_percent_text():
    """Shares show as percentages; inexact ones with one decimal."""
    assert setup.percent_text("2/5") == "40%"
    assert setup.percent_text("7/20") == "35%"
    assert setup.percent_text("1/3") == "33.3%"


def test_suggestion_for_23_seats_serves_the_merchant_minimum_first(ctx):
    """23 seats, merchants at least 2/5, residents 7/20, officials 1/4 → 10/8/5 (counting.md)."""
    body = make_body(constituencies=QUOTAS_23, holders=False)
    suggestion = setup.suggest_seats(body.constituencies, 23)
    assert [(c.key, n) for c, n in suggestion.rows] == [
        ("merchant", 10),
        ("resident", 8),
        ("official", 5),
    ]


def test_suggestion_without_minimum_is_plain_largest_remainder(ctx):
    """Without the minimum flag the same quotas give Hamilton's 9/8/6."""
    body = make_body(constituencies=[(k, n, s, False) for k, n, s, _ in QUOTAS_23], holders=False)
    suggestion = setup.suggest_seats(body.constituencies, 23)
    assert [n for _, n in suggestion.rows] == [9, 8, 6]


def test_infeasible_minimums_are_said_plainly(ctx):
    """Two 2/5 minimums of 3 seats need 2 + 2 = 4 seats: the message says so."""
    body = make_body(
        constituencies=[("a", 1, "2/5", True), ("b", 1, "2/5", True), ("c", 1, "1/5", False)],
        holders=False,
    )
    with pytest.raises(SetupError) as raised:
        setup.suggest_seats(body.constituencies, 3)
    assert "最低配额无法同时满足" in str(raised.value)
    assert "合计要 4 席" in str(raised.value) and "只有 3 席" in str(raised.value)


def test_suggestion_needs_shares_that_add_up_to_one(ctx):
    """A missing share or shares not adding up to 1 are named, not guessed."""
    missing = make_body(constituencies=[("a", 2, "1/2", False), ("b", 2, None, False)])
    with pytest.raises(SetupError, match="还没有填写"):
        setup.suggest_seats(missing.constituencies, 10)
    short = make_body(constituencies=[("a", 2, "1/2", False), ("b", 2, "1/4", False)])
    with pytest.raises(SetupError, match="3/4"):
        setup.suggest_seats(short.constituencies, 10)


def test_apply_suggestion_grows_and_shrinks_constituencies(ctx):
    """Applying 10/8/5 adds vacant seats at the end and drops trailing vacant ones."""
    body = make_body(
        constituencies=[
            ("merchant", 8, "2/5", True),
            ("resident", 9, "7/20", False),
            ("official", 5, "1/4", False),
        ],
        holders=False,
    )
    changed = setup.apply_suggestion(db.session, setup.suggest_seats(body.constituencies, 23))
    db.session.commit()
    assert changed == {"merchant": (8, 10), "resident": (9, 8)}
    merchant, resident, _ = body.constituencies
    assert [s.number for s in merchant.seat_list] == list(range(1, 11))
    assert len(resident.seat_list) == resident.seats == 8


def test_shrinking_refuses_to_drop_a_held_seat(ctx):
    """A seat that has a holder is never dropped; the message names it."""
    body = make_body(constituencies=[("a", 3, None, False)], holders=True)
    with pytest.raises(SetupError, match="第 3 席"):
        setup.resize(db.session, body.constituencies[0], 2)
    assert body.constituencies[0].seats == 3


def test_roster_warning_exactly_at_the_minimum(ctx):
    """8 of 20 filled merchant seats keep a 2/5 minimum; 8 of 21 break it."""
    fine = make_filled_body(
        constituencies=[("m", 8, "2/5", True), ("r", 7, "7/20", False), ("o", 5, "1/4", False)]
    )
    assert setup.roster_warnings(fine) == []
    broken = make_filled_body(
        constituencies=[("m", 8, "2/5", True), ("r", 7, "7/20", False), ("o", 6, "1/4", False)]
    )
    [warning] = setup.roster_warnings(broken)
    assert (warning.broken.id, warning.broken.filled, warning.broken.total) == ("m", 8, 21)
    assert warning.actual_percent == "38.1%" and warning.percent == "40%"


def test_roster_warning_counts_only_filled_seats(ctx):
    """Vacant seats do not count: 10 merchant seats with 7 filled among 20 filled is broken."""
    body = make_filled_body([("m", 10, "2/5", True), ("r", 13, "3/5", False)])
    merchant = body.constituencies[0]
    for seat in merchant.seat_list[7:]:
        setup.vacate(seat)
    db.session.commit()
    [warning] = setup.roster_warnings(body)
    assert (warning.broken.filled, warning.broken.total) == (7, 20)


def test_constituency_with_ballots_cannot_be_removed(ctx):
    """Seats that carry ballots keep their constituency: removal is refused with a reason."""
    body = make_body(constituencies=[("a", 2, None, False), ("b", 2, None, False)])
    meeting = make_meeting(body)
    motion = Motion(meeting_id=meeting.id, text="动议", rule={})
    db.session.add(motion)
    db.session.flush()
    seat = body.constituencies[0].seat_list[0]
    db.session.add(Ballot(motion_id=motion.id, seat_id=seat.id, choice="yes"))
    db.session.commit()
    with pytest.raises(SetupError, match="不能删除"):
        setup.remove_constituency(db.session, body, body.constituencies[0])
    setup.remove_constituency(db.session, body, body.constituencies[1])
    db.session.commit()
    assert [c.key for c in body.constituencies] == ["a"]


def test_assign_holder_reuses_a_known_phone_and_refuses_a_different_name(ctx):
    """A known phone gives the seat to that person; the same phone under another name is refused."""
    known = make_user("王建国", phone="13811112222")
    body = make_body(constituencies=[("a", 2, None, False)], holders=False)
    first, second = body.constituencies[0].seat_list
    assert (
        setup.assign_holder(
            db.session, first, name="王建国", phone="13811112222", represents="老字号茶铺"
        )
        is known
    )
    with pytest.raises(SetupError, match="王建国"):
        setup.assign_holder(db.session, second, name="王建", phone="13811112222", represents="")
    assert second.holder is None


def test_phone_normalisation():
    """Spaces, dashes and full-width digits are read; letters are refused."""
    assert setup.normalize_phone("138-1111 2222") == "13811112222"
    assert setup.normalize_phone("１３８１１１１２２２２") == "13811112222"
    with pytest.raises(SetupError):
        setup.normalize_phone("call me")


def test_resolution_number_format():
    """The format needs {number} and only the known placeholders."""
    assert (
        setup.resolution_number(
            "{short_name}〔{year}〕{number}号", short_name="华兴街联席", year=2026, number=3
        )
        == "华兴街联席〔2026〕3号"
    )
    for bad in ("{short_name}〔{year}〕号", "{number}{month}", "{0}{number}"):
        with pytest.raises(SetupError):
            setup.resolution_number(bad, short_name="x", year=2026, number=1)


def test_categories_one_per_line():
    """Blank lines are dropped; a repeated category is refused."""
    assert setup.parse_categories("环境卫生\n\n 停车 \n") == ["环境卫生", "停车"]
    with pytest.raises(SetupError, match="两次"):
        setup.parse_categories("停车\n停车")


def test_check_rule_names_the_field_in_plain_words(ctx):
    """Quota weighting without every share is refused on the weighting field; a fine rule passes."""
    body = make_body(constituencies=[("a", 2, "1/2", False), ("b", 2, None, False)])
    problem = presets.check_rule({"weighting": "quota"}, body.constituencies)
    assert problem.field == "weighting" and "“b”" in problem.say()
    assert presets.check_rule({"weighting": "seat"}, body.constituencies) is None
    problem = presets.check_rule({"concurrent": []}, body.constituencies)
    assert problem.field == "concurrent"
    problem = presets.check_rule({"concurrent": ["zzz"]}, body.constituencies)
    assert problem is not None and "zzz" in problem.say()


def test_seat_rows_follow_the_seat_count(ctx):
    """Adding a constituency creates exactly its number of vacant seats, numbered from 1."""
    body = make_body(constituencies=[("a", 1, None, False)], holders=False)
    added = setup.add_constituency(body, key="b", name="商户", seats=3, position=1)
    db.session.commit()
    numbers = db.session.scalars(
        db.select(Seat.number).where(Seat.constituency_id == added.id).order_by(Seat.number)
    ).all()
    assert numbers == [1, 2, 3]
    with pytest.raises(SetupError):
        setup.add_constituency(body, key="b", name="重复", seats=1)


def test_update_constituency_resizes_then_renames(ctx):
    """An edit adds the seats asked for and saves the other fields; no position keeps its place."""
    body = make_body(constituencies=[("a", 2, None, False), ("b", 1, None, False)], holders=False)
    constituency = body.constituencies[1]
    setup.update_constituency(
        db.session, constituency, name=" 商户 ", seats=3, share="1/2", share_is_minimum=True
    )
    assert (constituency.name, constituency.seats, len(constituency.seat_list)) == ("商户", 3, 3)
    assert (constituency.share, constituency.share_is_minimum, constituency.position) == (
        "1/2",
        True,
        1,
    )
    assert setup.constituency_state(constituency)["seats"] == 3


def test_update_constituency_refused_changes_nothing(ctx):
    """A shrink that would drop a held seat is refused before the name changes."""
    body = make_body(constituencies=[("a", 2, None, False)])
    constituency = body.constituencies[0]
    with pytest.raises(SetupError):
        setup.update_constituency(
            db.session, constituency, name="新名字", seats=1, share=None, share_is_minimum=False
        )
    assert constituency.name == "a" and constituency.seats == 2


def test_next_position_and_share_text(ctx):
    """A new constituency goes after the last; a typed share is stored as a fraction or None."""
    assert setup.next_position(make_body(holders=False)) == 3
    assert setup.next_position(Body(slug="empty", name="空", short_name="空")) == 0
    assert setup.share_text("40%") == "2/5"
    assert setup.share_text("  ") is None and setup.share_text(None) is None


def test_change_settings_reads_categories_per_line(ctx):
    """Settings are saved together; categories are typed one per line, blank lines dropped."""
    body = make_body(holders=False)
    setup.change_settings(
        body,
        seconds_needed=3,
        allow_multiple_proxies=True,
        confirm_ballots=False,
        resolution_number_format="{short_name}第{number}号",
        rating_rule="all_basic",
        topic_categories="停车\n\n安全\n",
        minutes_members_only=True,
    )
    assert setup.settings_state(body) == {
        "seconds_needed": 3,
        "allow_multiple_proxies": True,
        "minutes_members_only": True,
        "confirm_ballots": False,
        "topic_categories": ["停车", "安全"],
        "resolution_number_format": "{short_name}第{number}号",
        "rating_rule": "all_basic",
    }


def test_issue_missing_links_gives_each_uncovered_member_one_link(ctx):
    """Every member without a valid link gets one, once, even holding two seats."""
    body = make_body(constituencies=[("a", 2, None, False)], holders=False)
    person, convener = make_user("张三"), make_user("召集人")
    for seat in body.constituencies[0].seat_list:
        seat.holder = person
    db.session.flush()
    issued = setup.issue_missing_links(db.session, body, convener, days=30, at=clock.now())
    assert [(seat.number, link.user) for seat, link, _ in issued] == [(1, person)]
    link, token = issued[0][1], issued[0][2]
    assert link.created_by_id == convener.id and link.token_hash == hash_token(token)
    db.session.flush()
    assert setup.issue_missing_links(db.session, body, convener, days=30, at=clock.now()) == []
    assert setup.seat_state(seat) == {"holder_id": person.id, "represents": seat.represents}
