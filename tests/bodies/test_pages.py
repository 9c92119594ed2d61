"""The body set-up pages: apportionment, roster warnings, rule form, permissions and audit."""

import re

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Body, Constituency, Seat, SignInLink, User
from tests.bodies.helpers import make_filled_body
from tests.factories import make_body, make_convener, make_user

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

QUOTAS_23 = [
    ("merchant", 10, "2/5", True),
    ("resident", 8, "7/20", False),
    ("official", 5, "1/4", False),
]


def _actions():
    return db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()


@pytest.fixture
def admin(ctx):
    """An administrator."""
    return make_user("管理员", is_admin=True)


def test_apportionment_fragment_for_23_seats(ctx, client, login_as, captured_templates):
    """HTMX asks for 23 seats and gets only the partial, suggesting 10 / 8 / 5."""
    body = make_body(constituencies=[(k, 1, s, m) for k, _, s, m in QUOTAS_23], holders=False)
    login_as(make_convener(body))
    response = client.get(f"/b/{body.slug}/apportion?total=23", headers={"HX-Request": "true"})
    assert response.status_code == 200
    assert captured_templates == ["bodies/partials/apportion.html"]
    html = response.text
    for key, seats in (("merchant", 10), ("resident", 8), ("official", 5)):
        assert f'data-key="{key}">{seats}</strong>' in html
    assert "HX-Request" in response.headers["Vary"]


def test_apportionment_without_javascript_shows_the_whole_page(ctx, client, login_as):
    """The same GET without htmx renders the full set-up page with the suggestion."""
    body = make_body(constituencies=QUOTAS_23, holders=False)
    login_as(make_convener(body))
    html = client.get(f"/b/{body.slug}/apportion?total=23").text
    assert "<h1>会议设置</h1>" in html and 'data-key="merchant">10</strong>' in html


def test_infeasible_minimum_message(ctx, client, login_as):
    """Minimums that need more seats than exist are said plainly instead of a suggestion."""
    body = make_body(
        constituencies=[("a", 1, "2/5", True), ("b", 1, "2/5", True), ("c", 1, "1/5", False)],
        holders=False,
    )
    login_as(make_convener(body))
    html = client.get(f"/b/{body.slug}/apportion?total=3", headers={"HX-Request": "true"}).text
    assert "最低配额无法同时满足" in html
    assert "按建议调整席位" not in html


def test_apportionment_total_must_be_a_whole_number(ctx, client, login_as):
    """A total that is not a number is answered next to the field, what was typed kept."""
    body = make_body(constituencies=QUOTAS_23, holders=False)
    login_as(make_convener(body))
    html = client.get(f"/b/{body.slug}/apportion?total=abc", headers={"HX-Request": "true"}).text
    assert 'class="field-error"' in html and 'value="abc"' in html


def test_applying_the_suggestion_changes_seats_and_is_audited(ctx, client, login_as):
    """Applying 23 seats gives 10 / 8 / 5 seat rows and records body.seats_apportioned."""
    body = make_body(constituencies=[(k, 1, s, m) for k, _, s, m in QUOTAS_23], holders=False)
    login_as(make_convener(body))
    response = client.post(f"/b/{body.slug}/apportion/apply", data={"total": "23"})
    assert response.status_code == 302
    seats = db.session.scalars(
        sa.select(sa.func.count(Seat.id))
        .join(Constituency)
        .group_by(Constituency.position)
        .order_by(Constituency.position)
    ).all()
    assert seats == [10, 8, 5]
    assert _actions() == ["body.seats_apportioned"]


@pytest.mark.parametrize(
    ("official_seats", "warned"), [(5, False), (6, True)], ids=["8-of-20", "8-of-21"]
)
def test_roster_warns_when_filled_seats_break_the_merchant_minimum(
    ctx, client, login_as, official_seats, warned
):
    """8 of 20 filled merchant seats is 40% and fine; 8 of 21 is warned in words."""
    body = make_filled_body(
        constituencies=[
            ("m", 8, "2/5", True),
            ("r", 7, "7/20", False),
            ("o", official_seats, "1/4", False),
        ]
    )
    login_as(make_convener(body))
    for url in (f"/b/{body.slug}/roster", f"/b/{body.slug}/setup"):
        html = client.get(url).text
        assert ("不符合最低配额" in html) is warned
    if warned:
        assert "m界别有 8 人就座，占全部 21 位就座成员的 38.1%，低于最低配额 40%。" in html


def test_roster_lists_holders_with_phone_and_personal_link(ctx, client, login_as):
    """Each filled seat shows its holder, phone, whom they represent and a sign-in link page."""
    body = make_body(constituencies=[("m", 2, None, False)])
    seat = body.constituencies[0].seat_list[0]
    seat.represents = "老字号茶铺"
    db.session.commit()
    login_as(make_convener(body))
    html = client.get(f"/b/{body.slug}/roster").text
    assert seat.holder.phone in html and "代表：老字号茶铺" in html
    assert f"/people/{seat.holder_id}" in html


def test_assigning_a_new_person_to_a_seat(ctx, client, login_as):
    """A vacant seat given to a new name and phone creates the person and is audited."""
    body = make_body(constituencies=[("m", 2, None, False)], holders=False)
    seat = body.constituencies[0].seat_list[1]
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/seats/{seat.id}",
        data={"name": "李秀英", "phone": "139 0000 1111", "represents": "老字号茶铺"},
    )
    assert response.status_code == 302
    db.session.refresh(seat)
    assert (seat.holder.name, seat.holder.phone, seat.represents) == (
        "李秀英",
        "13900001111",
        "老字号茶铺",
    )
    assert _actions() == ["seat.assigned"]


def test_assigning_a_known_phone_with_another_name_is_refused(ctx, client, login_as):
    """The phone of someone else is refused next to the phone field, what was typed kept."""
    make_user("王建国", phone="13811112222")
    body = make_body(constituencies=[("m", 1, None, False)], holders=False)
    seat = body.constituencies[0].seat_list[0]
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/seats/{seat.id}", data={"name": "王建", "phone": "13811112222"}
    )
    assert response.status_code == 200
    assert "已登记为“王建国”" in response.text and 'value="王建"' in response.text
    assert db.session.get(Seat, seat.id).holder_id is None


def test_vacating_a_seat(ctx, client, login_as):
    """Vacating leaves the seat empty, keeps the person and is audited."""
    body = make_body(constituencies=[("m", 1, None, False)])
    seat = body.constituencies[0].seat_list[0]
    holder_id = seat.holder_id
    login_as(make_convener(body))
    client.post(f"/b/{body.slug}/seats/{seat.id}/vacate", data=CONFIRMED)
    assert db.session.get(Seat, seat.id).holder_id is None
    assert db.session.get(User, holder_id) is not None
    assert _actions() == ["seat.vacated"]


def test_adding_a_constituency_reads_a_percentage_share(ctx, client, login_as):
    """A share typed as 40% is stored exactly as 2/5, with its seats."""
    body = make_body(constituencies=[("a", 1, None, False)], holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/constituencies",
        data={
            "key": "shanghu",
            "name": "商户",
            "seats": "4",
            "share": "40%",
            "share_is_minimum": "y",
        },
    )
    assert response.status_code == 302
    added = db.session.scalar(sa.select(Constituency).where(Constituency.key == "shanghu"))
    assert (added.share, added.share_is_minimum, added.seats, len(added.seat_list)) == (
        "2/5",
        True,
        4,
        4,
    )
    assert _actions() == ["constituency.created"]


def test_bad_share_is_answered_next_to_the_field(ctx, client, login_as):
    """A share that is not a fraction is refused next to the field, the typed value kept."""
    body = make_body(constituencies=[("a", 1, None, False)], holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/constituencies",
        data={"key": "shanghu", "name": "商户", "seats": "4", "share": "四成"},
    )
    assert response.status_code == 422
    assert "请写成分数、小数或百分数" in response.text and 'value="四成"' in response.text
    assert _actions() == []


def test_editing_a_constituency(ctx, client, login_as):
    """Renaming and growing a constituency saves both and is audited with before/after."""
    body = make_body(constituencies=[("a", 1, None, False)], holders=False)
    constituency = body.constituencies[0]
    login_as(make_convener(body))
    client.post(
        f"/b/{body.slug}/constituencies/{constituency.id}/edit",
        data={"name": "居民代表", "seats": "3", "share": "", "position": "0"},
    )
    db.session.refresh(constituency)
    assert (constituency.name, constituency.seats, len(constituency.seat_list)) == (
        "居民代表",
        3,
        3,
    )
    event = db.session.scalar(sa.select(AuditEvent))
    assert (event.action, event.before["seats"], event.after["seats"]) == (
        "constituency.updated",
        1,
        3,
    )


def test_removing_a_constituency(ctx, client, login_as):
    """An unused constituency is removed and the removal is audited."""
    body = make_body(constituencies=[("a", 1, None, False), ("b", 1, None, False)])
    login_as(make_convener(body))
    client.post(f"/b/{body.slug}/constituencies/{body.constituencies[1].id}/remove")
    assert db.session.scalars(sa.select(Constituency.key)).all() == ["a"]
    assert _actions() == ["constituency.removed"]


def test_rule_preset_is_saved_and_described(ctx, client, login_as):
    """Choosing 三分之二多数 stores >= 2/3 of cast and the page says it in words."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/rule",
        data={"preset": "two_thirds", "threshold_value": "1/2"},
        follow_redirects=True,
    )
    assert "赞成票达到赞成票与反对票合计的三分之二即通过" in response.text
    rule = db.session.get(Body, body.id).default_rule
    assert rule == {"weighting": "seat", "base": "cast", "threshold": {"op": ">=", "value": "2/3"}}
    assert _actions() == ["body.rule_changed"]


def test_rule_page_marks_the_current_preset(ctx, client, login_as):
    """The preset matching the stored rule is the one checked."""
    body = make_body(
        holders=False,
        rule={
            "weighting": "seat",
            "base": "present",
            "threshold": {"op": ">", "value": "1/2"},
            "quorum": {"op": ">", "value": "0.5"},
        },
    )
    login_as(make_convener(body))
    html = client.get(f"/b/{body.slug}/rule").text
    assert 'id="preset-double_majority" value="double_majority" checked' in html


def test_merchant_consent_names_the_minimum_constituency(ctx, client, login_as):
    """商户界别同意 makes the minimum-quota constituency pass on its own."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    client.post(
        f"/b/{body.slug}/rule", data={"preset": "merchant_consent", "threshold_value": "1/2"}
    )
    assert db.session.get(Body, body.id).default_rule["concurrent"] == ["merchant"]


def test_invalid_advanced_rule_is_refused_next_to_the_field(ctx, client, login_as):
    """Quota weighting with a missing share is refused on 怎样计票; typed values are kept."""
    body = make_body(constituencies=[("a", 2, "1/2", False), ("b", 2, None, False)], holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/rule",
        data={
            "preset": "advanced",
            "weighting": "quota",
            "base": "voted",
            "threshold_op": ">=",
            "threshold_value": "60%",
            "concurrent_mode": "none",
        },
    )
    assert response.status_code == 200
    html = response.text
    assert (
        'id="weighting-error">按配额或按界别计票，需要每个界别都有份额，“b”还没有填写份额。' in html
    )
    assert 'value="60%"' in html
    assert re.search(
        r'<input checked id="weighting-1" name="weighting" type="radio" value="quota">', html
    )
    assert db.session.get(Body, body.id).default_rule["weighting"] == "seat"
    assert _actions() == []


def test_advanced_rule_with_typed_fractions_is_saved(ctx, client, login_as):
    """An advanced rule keeps exact fractions: 60% is stored as 3/5, quorum 1/2 as typed."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    client.post(
        f"/b/{body.slug}/rule",
        data={
            "preset": "advanced",
            "weighting": "quota",
            "base": "cast",
            "threshold_op": ">=",
            "threshold_value": "60%",
            "quorum_op": ">",
            "quorum_value": "0.5",
            "concurrent_mode": "list",
            "concurrent": ["merchant"],
            "headcount_too": "y",
        },
    )
    assert db.session.get(Body, body.id).default_rule == {
        "weighting": "quota",
        "base": "cast",
        "threshold": {"op": ">=", "value": "3/5"},
        "quorum": {"op": ">", "value": "1/2"},
        "concurrent": ["merchant"],
        "headcount_too": True,
    }


def test_bad_threshold_text_is_refused_with_the_typed_value(ctx, client, login_as):
    """A threshold like 'most' is refused next to the field, the typed text kept."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    html = client.post(
        f"/b/{body.slug}/rule",
        data={
            "preset": "advanced",
            "weighting": "seat",
            "base": "cast",
            "threshold_op": ">",
            "threshold_value": "most",
            "concurrent_mode": "none",
        },
    ).text
    assert 'id="threshold_value-error"' in html and 'value="most"' in html


def test_settings_are_saved_and_audited(ctx, client, login_as):
    """Seconds, proxies, categories, numbering and rating rule are saved together."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    client.post(
        f"/b/{body.slug}/settings",
        data={
            "seconds_needed": "5",
            "allow_multiple_proxies": "y",
            "topic_categories": "停车\n\n环境卫生",
            "rating_rule": "all_basic",
            "resolution_number_format": "{short_name}第{number}号",
        },
    )
    saved = db.session.get(Body, body.id)
    assert (
        saved.seconds_needed,
        saved.allow_multiple_proxies,
        saved.topic_categories,
        saved.rating_rule,
        saved.resolution_number_format,
    ) == (5, True, ["停车", "环境卫生"], "all_basic", "{short_name}第{number}号")
    assert _actions() == ["body.settings_changed"]


def test_numbering_format_without_number_is_refused(ctx, client, login_as):
    """A format without {number} is refused next to the field, what was typed kept."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/settings",
        data={
            "seconds_needed": "2",
            "topic_categories": "停车",
            "rating_rule": "majority_basic",
            "resolution_number_format": "{short_name}〔{year}〕号",
        },
    )
    assert response.status_code == 422
    assert "编号格式里要有 {number}" in response.text
    assert "{short_name}〔{year}〕号" in response.text
    assert db.session.get(Body, body.id).seconds_needed == 0


PAGES = [
    ("get", "/b/{slug}/setup"),
    ("get", "/b/{slug}/roster"),
    ("get", "/b/{slug}/rule"),
    ("get", "/b/{slug}/apportion?total=10"),
    ("post", "/b/{slug}/rule"),
    ("post", "/b/{slug}/settings"),
    ("post", "/b/{slug}/constituencies"),
    ("post", "/b/{slug}/apportion/apply"),
    ("get", "/b/{slug}/seats/{seat}"),
    ("post", "/b/{slug}/seats/{seat}"),
    ("post", "/b/{slug}/seats/{seat}/vacate"),
    ("get", "/b/{slug}/constituencies/{constituency}/edit"),
    ("post", "/b/{slug}/constituencies/{constituency}/remove"),
    ("get", "/b/{slug}/sign-in-cards"),
    ("post", "/b/{slug}/sign-in-cards"),
]


SMALL = [("m", 2, "1/2", True), ("r", 1, "1/2", False)]


def _url(template, body):
    constituency = body.constituencies[0]
    return template.format(
        slug=body.slug, seat=constituency.seat_list[0].id, constituency=constituency.id
    )


@pytest.mark.parametrize(("method", "template"), PAGES)
def test_anonymous_visitors_are_sent_to_sign_in(ctx, client, method, template):
    """Every set-up page and action sends an anonymous visitor to sign in."""
    body = make_body(constituencies=SMALL)
    response = getattr(client, method)(_url(template, body))
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]


@pytest.mark.parametrize(("method", "template"), PAGES)
def test_members_and_other_conveners_get_403(ctx, client, login_as, method, template):
    """A member of the body and the convener of another body may not set it up."""
    body = make_body(constituencies=SMALL)
    member = body.constituencies[0].seat_list[0].holder
    other_convener = make_convener(make_body(constituencies=SMALL, holders=False))
    seats_before = db.session.scalar(sa.select(sa.func.count(Seat.holder_id)))
    for person in (member, other_convener):
        login_as(person)
        assert getattr(client, method)(_url(template, body)).status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Seat.holder_id))) == seats_before
    assert _actions() == []


@pytest.mark.parametrize("template", [t for m, t in PAGES if m == "get"])
def test_conveners_and_administrators_may_open_every_page(ctx, client, login_as, admin, template):
    """The body's convener and an administrator both see every set-up page."""
    body = make_body(constituencies=SMALL)
    for person in (make_convener(body), admin):
        login_as(person)
        assert client.get(_url(template, body)).status_code == 200


def test_seat_of_another_body_is_404(ctx, client, login_as):
    """A seat id from another body is not found under this body's address."""
    body = make_body(holders=False)
    other = make_body(holders=False)
    login_as(make_convener(body))
    seat = other.constituencies[0].seat_list[0]
    assert client.get(f"/b/{body.slug}/seats/{seat.id}").status_code == 404


def test_me_page_links_conveners_to_setup_and_roster(ctx, client, login_as):
    """The convener's /me card links to the set-up and roster pages of their body."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    html = client.get("/me").text
    assert f"/b/{body.slug}/setup" in html and f"/b/{body.slug}/roster" in html


def test_quorum_without_a_proportion_is_refused_next_to_the_field(ctx, client, login_as):
    """Asking for a quorum but leaving its proportion empty is answered next to that field."""
    body = make_body(holders=False)
    login_as(make_convener(body))
    response = client.post(
        f"/b/{body.slug}/rule",
        data={
            "preset": "advanced",
            "weighting": "seat",
            "base": "cast",
            "threshold_op": ">",
            "threshold_value": "1/2",
            "quorum_op": ">",
            "quorum_value": "",
            "concurrent_mode": "none",
        },
    )
    assert response.status_code == 200
    assert 'id="quorum_value-error">要求出席人数时，请填写比例' in response.text


def test_sign_in_cards_for_members_without_a_link(ctx, client, login_as):
    """Cards are made once for each member without a valid link, with a QR code, and audited."""
    body = make_filled_body([("m", 2, None, False), ("r", 1, None, False)])
    seats = [s for c in body.constituencies for s in c.seat_list]
    link, _token = SignInLink.issue(seats[0].holder, None, days=30)
    db.session.add(link)
    db.session.commit()
    login_as(make_convener(body))
    listing = client.get(f"/b/{body.slug}/sign-in-cards").text

    def shown(name):  # as a whole word: short names like "m1" can turn up inside a CSRF token
        return re.search(rf"\b{name}\b", listing) is not None

    assert not shown(seats[0].holder.name)
    assert shown(seats[1].holder.name) and shown(seats[2].holder.name)
    printed = client.post(f"/b/{body.slug}/sign-in-cards").text
    assert printed.count('class="sign-in-card"') == 2 and printed.count("<svg") >= 2
    assert "/l/" in printed
    assert _actions() == ["sign_in_link.issued", "sign_in_link.issued"]
    assert "每位成员都已经有有效的登录链接" in client.get(f"/b/{body.slug}/sign-in-cards").text
