"""Rate limits on guessing: sign-in per account and per address, personal-link tokens."""

import os
import re
import threading
from datetime import timedelta

import pytest
import redis
import sqlalchemy as sa
import time_machine

from app import clock, ratelimits
from app.accounts import routes
from app.extensions import db, limiter
from app.models import SignInLink, Topic
from tests.factories import PASSWORD, make_body, make_user

#: Database 14 for the PostgreSQL run, 12 for the SQLite run: CI runs both at once (.ci/run).
REDIS_TEST_URL = "redis://127.0.0.1:6379/" + ("14" if os.environ.get("TEST_DATABASE_URL") else "12")
WAIT_MESSAGE = re.compile(r"登录尝试太多，请 (\d+) 分钟后再试")


def _fail(client, login: str, address: str = "127.0.0.1"):
    return client.post(
        "/sign-in",
        data={"login": login, "password": "wrong password"},
        environ_base={"REMOTE_ADDR": address},
    )


def _sign_in(client, login: str, address: str = "127.0.0.1"):
    return client.post(
        "/sign-in",
        data={"login": login, "password": PASSWORD},
        environ_base={"REMOTE_ADDR": address},
    )


def _issue_link(user) -> str:
    link, token = SignInLink.issue(user, None, days=30)
    db.session.add(link)
    db.session.commit()
    return token


def test_account_is_refused_after_five_misses_with_the_wait_in_words(client, ctx, rate_limited):
    """The sixth try on one account is refused (429) next to the form, login kept, minutes said."""
    make_user(username="zhaojun")
    assert [_fail(client, "zhaojun").status_code for _ in range(5)] == [200] * 5
    response = _sign_in(client, "zhaojun")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    wait = WAIT_MESSAGE.search(html)
    assert wait and int(wait.group(1)) == 15
    assert re.search(r'<p class="field-error" id="password-error">登录尝试太多', html)
    assert 'value="zhaojun"' in html
    assert 0 < int(response.headers["Retry-After"]) <= 15 * 60
    assert client.get("/me").status_code == 302


def test_the_account_counts_however_the_phone_is_typed(client, ctx, rate_limited):
    """Spaces and dashes in a phone number do not make a fresh counter."""
    make_user(phone="13912345678")
    for typed in ("139 1234 5678", "139-1234-5678", "13912345678", " 13912345678", "139 12345678"):
        assert _fail(client, typed).status_code == 200
    assert _sign_in(client, "13912345678").status_code == 429


def test_other_accounts_on_the_same_address_still_sign_in(client, ctx, rate_limited):
    """One locked account does not lock out a neighbour on the same Wi-Fi."""
    make_user(username="zhaojun")
    make_user(username="liping")
    for _ in range(6):
        _fail(client, "zhaojun")
    assert _sign_in(client, "liping").status_code == 302


def test_successful_sign_ins_do_not_use_up_the_limit(client, ctx, rate_limited):
    """Only failed attempts count: signing in seven times in a row is fine."""
    make_user(username="zhaojun")
    assert {_sign_in(client, "zhaojun").status_code for _ in range(7)} == {302}


def test_one_address_trying_many_accounts_gets_one_try_per_account(
    client, ctx, rate_limited, monkeypatch
):
    """Once an address has spent its budget, each account gets one try per window from it.

    A script trying many accounts is held to one guess per account; a member behind the same
    address who signs in for the first time gets in with the right password (issue 15, 5).
    """
    monkeypatch.setitem(client.application.config, "LIANXI_SIGN_IN_LIMIT_IP", "3 per 15 minutes")
    make_user(username="zhaojun")
    make_user(username="liping")
    for login in ("a1", "a2", "a3"):
        assert _fail(client, login, "198.51.100.1").status_code == 200
    assert _fail(client, "a4", "198.51.100.1").status_code == 200  # its one try
    response = _fail(client, "a4", "198.51.100.1")
    assert response.status_code == 429 and WAIT_MESSAGE.search(response.get_data(as_text=True))
    assert _sign_in(client, "liping", "198.51.100.1").status_code == 302
    assert _fail(client, "zhaojun", "198.51.100.1").status_code == 200
    assert _sign_in(client, "zhaojun", "198.51.100.1").status_code == 429
    assert _sign_in(client, "zhaojun", "198.51.100.2").status_code == 302


def test_a_spent_address_does_not_stop_the_right_password(client, ctx, rate_limited, monkeypatch):
    """The room's one address spent on wrong sign-ins: members with their password still get in.

    (The address budget is 30 in production; 4 here, to keep the test quick.)
    """
    monkeypatch.setitem(client.application.config, "LIANXI_SIGN_IN_LIMIT_IP", "4 per 15 minutes")
    members = [make_user(username=f"member{n}") for n in range(5)]
    for number in range(5):
        _fail(client, f"nobody{number}")
    for member in members:
        assert _sign_in(client.application.test_client(), member.username).status_code == 302


def test_a_stranger_cannot_lock_a_member_out_of_their_own_phone(app, ctx, rate_limited):
    """Five wrong passwords lock the account for new browsers, not for the member's own phone."""
    make_user(username="zhaojun")
    phone = app.test_client()
    assert _sign_in(phone, "zhaojun").status_code == 302
    phone.post("/sign-out")
    stranger = app.test_client()
    for _ in range(5):
        assert _fail(stranger, "zhaojun").status_code == 200
    assert _sign_in(stranger, "zhaojun").status_code == 429
    assert _sign_in(app.test_client(), "zhaojun").status_code == 429
    assert _sign_in(phone, "zhaojun").status_code == 302
    # The phone's own guesses are limited too: a stolen phone does not guess freely.
    phone.post("/sign-out")
    assert [_fail(phone, "zhaojun").status_code for _ in range(6)] == [200] * 5 + [429]


def test_a_forged_device_cookie_is_not_trusted(app, ctx, rate_limited):
    """A device cookie not signed by the server, or made for another account, changes nothing."""
    member = make_user(username="zhaojun")
    other = make_user(username="liping")
    with app.test_request_context():
        for_other = ratelimits.device_cookie_for(other.id, "abc")
    stranger = app.test_client()
    for _ in range(5):
        _fail(stranger, "zhaojun")
    for cookie in (for_other, f'{{"u": {member.id}, "d": "abc"}}', "garbage"):
        client = app.test_client()
        client.set_cookie(
            "lianxi_device", cookie, domain=client.application.config["SERVER_NAME"].split(":")[0]
        )
        assert _sign_in(client, "zhaojun").status_code == 429


def test_the_limit_lifts_when_the_window_ends(client, ctx, rate_limited):
    """After the 15 minutes the account can sign in again."""
    make_user(username="zhaojun")
    with time_machine.travel(clock.now(), tick=False) as traveller:
        for _ in range(5):
            _fail(client, "zhaojun")
        assert _sign_in(client, "zhaojun").status_code == 429
        traveller.shift(timedelta(minutes=16))
        assert _sign_in(client, "zhaojun").status_code == 302


def test_limits_are_off_unless_switched_on(client, ctx):
    """The suite's default (RATELIMIT_ENABLED False) really switches the limits off."""
    make_user(username="zhaojun")
    for _ in range(6):
        _fail(client, "zhaojun")
    assert _sign_in(client, "zhaojun").status_code == 302


def test_guessing_personal_links_is_refused_per_address(client, ctx, rate_limited):
    """After 20 unknown tokens from one address more guesses wait; a valid link still opens."""
    token = _issue_link(make_user(password=None))
    for number in range(20):
        assert client.get(f"/l/guess{number}").status_code == 404
    response = client.get("/l/guess-again")
    html = response.get_data(as_text=True)
    assert response.status_code == 429 and int(response.headers["Retry-After"]) > 0
    assert re.search(r"尝试打开个人链接的次数太多，请 \d+ 分钟后再试", html)
    assert client.application.test_client().get(f"/l/{token}").status_code == 302


def test_guessing_follow_links_is_refused_per_address(client, ctx, rate_limited):
    """Unknown /t/<token> follow links are counted per address too (issue 15, 8)."""
    for number in range(20):
        assert client.get(f"/t/guess{number}").status_code == 404
    assert client.get("/t/guess-again").status_code == 429
    other = client.application.test_client()
    assert other.get("/t/guess", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 404


def test_a_room_of_members_opening_their_links_is_not_limited(client, ctx, rate_limited):
    """Valid links do not count: 30 members behind one address all get in."""
    tokens = [_issue_link(make_user(password=None)) for _ in range(30)]
    assert {client.get(f"/l/{token}").status_code for token in tokens} == {302}


@pytest.fixture
def redis_db():
    """Redis database 14, emptied before and after; the test is skipped when Redis is not up."""
    connection = redis.Redis.from_url(REDIS_TEST_URL)
    try:
        connection.ping()
    except redis.ConnectionError:
        pytest.skip(f"Redis is not running at {REDIS_TEST_URL}")
    connection.flushdb()
    yield connection
    connection.flushdb()
    connection.close()


def test_counters_live_in_redis_when_redis_url_is_set(make_app, ctx, redis_db):
    """With REDIS_URL the limits are counted in Redis, shared by every worker."""
    other = make_app(REDIS_URL=REDIS_TEST_URL, RATELIMIT_ENABLED=True)
    assert type(limiter.storage).__name__ == "RedisStorage"
    make_user(username="zhaojun")
    first_worker, second_worker = other.test_client(), other.test_client()
    for _ in range(5):
        assert _fail(first_worker, "zhaojun").status_code == 200
    assert any(b"zhaojun" in key for key in redis_db.keys("*"))
    assert _sign_in(second_worker, "zhaojun").status_code == 429


def test_sign_in_keeps_working_when_redis_is_down(make_app, ctx):
    """With Redis unreachable the limits are counted in memory instead; nobody gets an error."""
    other = make_app(REDIS_URL="redis://127.0.0.1:1/0", RATELIMIT_ENABLED=True)
    make_user(username="zhaojun")
    client = other.test_client()
    assert [_fail(client, "zhaojun").status_code for _ in range(5)] == [200] * 5
    assert _sign_in(client, "zhaojun").status_code == 429


def _burst(app, number, work):
    """Run ``work(client)`` on ``number`` threads released at the same moment; their answers."""
    barrier = threading.Barrier(number)
    answers = [None] * number

    def run(index):
        client = app.test_client()
        barrier.wait()
        answers[index] = work(client)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(number)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    return answers


def _count_password_checks(monkeypatch) -> list:
    checked = []
    original = routes.password_opens

    def counting(user, password):
        checked.append(password)
        return original(user, password)

    monkeypatch.setattr(routes, "password_opens", counting)
    return checked


def test_sixty_simultaneous_wrong_passwords_check_at_most_five(app, ctx, rate_limited, monkeypatch):
    """60 wrong passwords for one account at once: at most 5 are checked, the rest answer 429."""
    make_user(username="zhaojun")
    db.session.commit()
    checked = _count_password_checks(monkeypatch)
    answers = _burst(app, 60, lambda client: _fail(client, "zhaojun").status_code)
    assert 1 <= len(checked) <= 5, len(checked)
    assert answers.count(200) == len(checked) and answers.count(429) == 60 - len(checked)


def test_sixty_simultaneous_wrong_passwords_through_redis(make_app, ctx, redis_db, monkeypatch):
    """The same burst counted in Redis (shared by every worker): exactly 5 checked."""
    other = make_app(REDIS_URL=REDIS_TEST_URL, RATELIMIT_ENABLED=True)
    make_user(username="zhaojun")
    db.session.commit()
    checked = _count_password_checks(monkeypatch)
    answers = _burst(other, 60, lambda client: _fail(client, "zhaojun").status_code)
    assert len(checked) == 5
    assert answers.count(200) == 5 and answers.count(429) == 55


def test_forty_simultaneous_topic_submissions_store_five(app, ctx, rate_limited):
    """40 public topic submissions at once from one address store exactly the 5 allowed."""
    body = make_body(slug="burst")
    db.session.commit()
    form = {"title": "路灯坏了", "description": "晚上很黑", "category": "环境卫生", "phone": ""}

    def submit(client):
        return client.post("/b/burst/topics/new", data=form).status_code

    answers = _burst(app, 40, submit)
    db.session.rollback()
    stored = db.session.scalar(sa.select(sa.func.count(Topic.id)).where(Topic.body_id == body.id))
    assert stored == 5 and answers.count(303) == 5 and answers.count(429) == 35, answers


def _objection_world():
    from datetime import date

    from tests.followup.helpers import make_resolution

    body = make_body(slug="objecting")
    db.session.commit()
    return make_resolution(body, notice_ends_on=date(2099, 1, 1))


def test_fifty_simultaneous_objections_store_five(app, ctx, rate_limited):
    """50 objections at once from one address during 公示期 store exactly the 5 allowed."""
    from app.models import Objection

    resolution = _objection_world()
    url = f"/resolutions/{resolution.id}/objections"

    def submit(client):
        return client.post(url, data={"text": "停车位分配不公平", "name": ""}).status_code

    answers = _burst(app, 50, submit)
    db.session.rollback()
    stored = db.session.scalar(
        sa.select(sa.func.count(Objection.id)).where(Objection.resolution_id == resolution.id)
    )
    assert stored == 5 and answers.count(303) == 5 and answers.count(429) == 45, answers


def test_an_objection_over_the_limit_keeps_the_text_and_says_the_wait(client, ctx, rate_limited):
    """The sixth objection in an hour: 429, the typed text kept, the wait in words.

    Forms sent back with errors (no text) never use the budget up.
    """
    resolution = _objection_world()
    url = f"/resolutions/{resolution.id}/objections"
    for _ in range(8):
        assert client.post(url, data={"text": "", "name": "老王"}).status_code == 422
    for _ in range(5):
        assert client.post(url, data={"text": "不公平", "name": ""}).status_code == 303
    refused = client.post(url, data={"text": "第六条异议：抽签不透明", "name": "老王"})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 429 and int(refused.headers["Retry-After"]) > 0
    assert "第六条异议：抽签不透明" in html and "老王" in html
    assert "每小时最多提交 5 条异议" in html and "分钟后再点" in html
