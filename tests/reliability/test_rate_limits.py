"""Rate limits on guessing: sign-in per account and per address, personal-link tokens."""

import re
from datetime import timedelta

import pytest
import redis
import time_machine

from app import clock
from app.extensions import db, limiter
from app.models import SignInLink
from tests.factories import PASSWORD, make_user

REDIS_TEST_URL = "redis://127.0.0.1:6379/15"
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


def test_one_address_trying_many_accounts_is_refused(client, ctx, rate_limited, monkeypatch):
    """Per address: misses on different accounts add up; another address is not affected."""
    monkeypatch.setitem(client.application.config, "LIANXI_SIGN_IN_LIMIT_IP", "3 per 15 minutes")
    make_user(username="zhaojun")
    for login in ("a1", "a2", "a3"):
        assert _fail(client, login, "198.51.100.1").status_code == 200
    response = _sign_in(client, "zhaojun", "198.51.100.1")
    assert response.status_code == 429 and WAIT_MESSAGE.search(response.get_data(as_text=True))
    assert _sign_in(client, "zhaojun", "198.51.100.2").status_code == 302


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
    """After 20 unknown tokens from one address even a good link waits; other addresses do not."""
    token = _issue_link(make_user(password=None))
    for number in range(20):
        assert client.get(f"/l/guess{number}").status_code == 404
    response = client.get(f"/l/{token}")
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert re.search(r"尝试打开个人链接的次数太多，请 \d+ 分钟后再试", html)
    other = client.application.test_client()
    assert other.get(f"/l/{token}", environ_base={"REMOTE_ADDR": "10.0.0.2"}).status_code == 302


def test_a_room_of_members_opening_their_links_is_not_limited(client, ctx, rate_limited):
    """Valid links do not count: 30 members behind one address all get in."""
    tokens = [_issue_link(make_user(password=None)) for _ in range(30)]
    assert {client.get(f"/l/{token}").status_code for token in tokens} == {302}


@pytest.fixture
def redis_db():
    """Redis database 15, emptied before and after; the test is skipped when Redis is not up."""
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
