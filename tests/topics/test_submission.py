"""Submitting a topic: receipt, follow link, rate limit, honeypot, bad input."""

import logging
import re

import pytest
import sqlalchemy as sa
import time_machine

from app import create_app
from app.extensions import db, limiter
from app.models import AuditEvent, Topic, TopicEvent
from app.topics import submission
from tests.factories import make_body, make_user

GOOD = {
    "title": "晚上垃圾清运不及时",
    "description": "九点以后垃圾堆在路边，第二天早上才收。",
    "category": "环境卫生",
    "location": "红星路口",
    "name": "刘阿姨",
    "phone": "138 1234 5678",
}


@pytest.fixture
def body(ctx):
    """A body with the default categories."""
    return make_body("huaxing", holders=False)


def _count():
    return db.session.scalar(sa.select(sa.func.count()).select_from(Topic))


def test_anonymous_submit_gives_receipt_and_follow_link(client, body):
    """An anonymous visitor submits, gets a receipt number, and the follow link shows the status."""
    response = client.post("/b/huaxing/topics/new", data=GOOD)
    assert response.status_code == 303
    follow = response.headers["Location"]
    assert re.search(r"/t/[\w-]{20,}\?new=1$", follow)
    page = client.get(follow)
    html = page.get_data(as_text=True)
    assert page.status_code == 200
    assert "HUAXING-" in html and "-0001" in html
    assert "待处理" in html and GOOD["title"] in html
    topic = db.session.scalars(sa.select(Topic)).one()
    token = follow.split("/t/")[1].split("?")[0]
    assert topic.follow_token_hash != token and len(topic.follow_token_hash) == 64
    assert topic.submitter_phone == "13812345678" and topic.submitter_id is None
    assert [e.to_status for e in topic.events] == ["submitted"]
    assert db.session.scalar(sa.select(AuditEvent.action)) == "topic.submitted"


def test_receipt_numbers_count_up_per_body(client, body):
    """Receipt numbers are numbered per body and year."""
    other = make_body("xietang", holders=False)
    for slug in ("huaxing", "huaxing", "xietang"):
        client.post(f"/b/{slug}/topics/new", data=GOOD)
    numbers = sorted(db.session.scalars(sa.select(Topic.receipt_no)))
    assert [n.split("-")[0] for n in numbers] == ["HUAXING", "HUAXING", "XIETANG"]
    assert [n[-4:] for n in numbers] == ["0001", "0002", "0001"]
    assert other.id


def test_receipt_year_is_the_communitys_year(client, body):
    """Just after midnight on New Year's Day in Chengdu (still 31 December in UTC) it is 2027."""
    with time_machine.travel("2026-12-31 16:30:00+00:00", tick=False):
        client.post("/b/huaxing/topics/new", data=GOOD)
    assert db.session.scalar(sa.select(Topic.receipt_no)) == "HUAXING-2027-0001"


def test_receipt_number_retries_after_a_collision(ctx, body):
    """When the next number is taken meanwhile, submit() takes the following one."""
    first, _ = submission.submit(db.session, body, _fields(), year=2026)
    db.session.commit()
    # Simulate a concurrent submission that took 0002 but is not visible to last_number().
    taken, _ = submission.submit(db.session, body, _fields(), year=2026)
    assert taken.receipt_no == "HUAXING-2026-0002"
    original = submission.last_number
    calls = []

    def stale(session, prefix):
        calls.append(prefix)
        return 1 if len(calls) == 1 else original(session, prefix)

    submission.last_number = stale
    try:
        third, _ = submission.submit(db.session, body, _fields(), year=2026)
    finally:
        submission.last_number = original
    assert third.receipt_no == "HUAXING-2026-0003" and len(calls) == 2
    assert first.receipt_no == "HUAXING-2026-0001"


def _fields():
    return {
        "title": "t",
        "description": "d",
        "category": "其他",
        "location": "",
        "submitter_name": "",
        "submitter_phone": "",
    }


def test_signed_in_member_submits_with_name_prefilled(client, login_as, body):
    """A signed-in member finds their name prefilled and becomes the submitter."""
    member = make_user("王大爷")
    login_as(member)
    assert "王大爷" in client.get("/b/huaxing/topics/new").get_data(as_text=True)
    client.post("/b/huaxing/topics/new", data=GOOD)
    assert db.session.scalar(sa.select(Topic.submitter_id)) == member.id


def test_honeypot_filled_is_refused_silently_and_logged(client, body, caplog):
    """A filled honeypot looks accepted but nothing is stored, and a warning is logged."""
    with caplog.at_level(logging.WARNING):
        response = client.post("/b/huaxing/topics/new", data=GOOD | {"website": "http://spam"})
    assert response.status_code == 200
    assert "提交成功" in response.get_data(as_text=True)
    assert _count() == 0
    assert db.session.scalar(sa.select(sa.func.count()).select_from(TopicEvent)) == 0
    assert any("honeypot" in r.getMessage() for r in caplog.records)


def test_honeypot_is_hidden_from_people(client, body):
    """The honeypot sits in an aria-hidden container and is out of the tab order."""
    html = client.get("/b/huaxing/topics/new").get_data(as_text=True)
    assert re.search(r'<div class="hp" aria-hidden="true">', html)
    assert re.search(r'<input[^>]*name="website"[^>]*tabindex="-1"', html) or re.search(
        r'<input[^>]*tabindex="-1"[^>]*name="website"', html
    )


@pytest.fixture
def limited_client(app, monkeypatch):
    """A client of a second app with rate limiting on (memory storage), restored afterwards."""
    snapshot = dict(vars(limiter))
    limited = create_app(
        {
            **{k: app.config[k] for k in ("SQLALCHEMY_DATABASE_URI", "SQLALCHEMY_ENGINE_OPTIONS")},
            "TESTING": True,
            "SECRET_KEY": "test-secret",
            "WTF_CSRF_ENABLED": False,
            "RATELIMIT_ENABLED": True,
            "RATELIMIT_STORAGE_URI": "memory://",
            "SERVER_NAME": "lianxi.test",
        }
    )
    limited.test_client_class = app.test_client_class
    limiter.reset()
    yield limited.test_client()
    limiter.reset()
    for key in list(vars(limiter)):
        if key not in snapshot:
            delattr(limiter, key)
    vars(limiter).update(snapshot)


def test_rate_limit_refuses_with_plain_words_and_keeps_input(limited_client, body):
    """The sixth submission in an hour is refused in words, the form keeps what was typed."""
    db.session.commit()
    for _ in range(5):
        assert limited_client.post("/b/huaxing/topics/new", data=GOOD).status_code == 303
    typed = GOOD | {"title": "第六条议题", "description": "刚才写的很长的说明"}
    response = limited_client.post("/b/huaxing/topics/new", data=typed)
    html = response.get_data(as_text=True)
    assert response.status_code == 429
    assert "提交太频繁" in html and "分钟后" in html
    assert "第六条议题" in html and "刚才写的很长的说明" in html
    assert 'name="title"' in html
    db.session.expire_all()
    assert _count() == 5
    assert "第六条议题" not in db.session.scalars(sa.select(Topic.title)).all()


def test_invalid_submissions_do_not_use_up_the_limit(limited_client, body):
    """Forms sent back for correction do not count towards the rate limit."""
    db.session.commit()
    for _ in range(6):
        assert (
            limited_client.post("/b/huaxing/topics/new", data=GOOD | {"title": ""}).status_code
            == 200
        )
    assert limited_client.post("/b/huaxing/topics/new", data=GOOD).status_code == 303


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("title", "", "请写一个标题"),
        ("title", "   ", "请写一个标题"),
        ("title", "长" * 61, "标题最多 60 个字"),
        ("description", "字" * 10_000, "详细说明最多 2000 个字"),
        ("category", "<script>alert(1)</script>", "请从列表里选择一类"),
        ("category", "", "请选择议题属于哪一类"),
        ("phone", "12345", "手机号好像不对"),
    ],
)
def test_bad_input_answered_next_to_the_field(client, body, field, value, message):
    """Each bad field gets its message next to it, the rest of what was typed is kept."""
    response = client.post("/b/huaxing/topics/new", data=GOOD | {field: value})
    html = response.get_data(as_text=True)
    assert response.status_code == 200
    error = re.search(rf'<p class="field-error" id="{field}-error">([^<]*)</p>', html)
    assert error and message in error.group(1)
    if field != "description":
        assert GOOD["description"] in html
    if field == "description":
        assert value in html
    assert _count() == 0


def test_script_tags_in_every_field_are_shown_as_text(client, body):
    """Script tags typed into every free-text field come back escaped, never as markup."""
    evil = "<script>alert('x')</script>"
    data = {
        "title": evil,
        "description": evil * 2,
        "category": "环境卫生",
        "location": evil,
        "name": evil,
        "phone": evil,
    }
    response = client.post("/b/huaxing/topics/new", data=data)
    html = response.get_data(as_text=True)
    assert "<script>alert" not in html
    assert "&lt;script&gt;alert(" in html
    # Fix the phone and submit: the stored topic shows the script as text everywhere.
    response = client.post("/b/huaxing/topics/new", data=data | {"phone": ""})
    assert response.status_code == 303
    for url in (response.headers["Location"], "/b/huaxing/topics", f"/topics/{_only_id()}"):
        html = client.get(url).get_data(as_text=True)
        assert "<script>alert" not in html and "&lt;script&gt;" in html, url


def _only_id():
    return db.session.scalar(sa.select(Topic.id))


def test_unknown_body_is_404(client, ctx):
    """A submission page for a body that does not exist is not found."""
    assert client.get("/b/nobody/topics/new").status_code == 404


def test_unknown_follow_token_is_404(client, ctx):
    """A made-up follow link shows nothing."""
    assert client.get("/t/not-a-real-token").status_code == 404


def test_mobile_numbers_are_read_loosely():
    """Spaces, dashes and +86 are accepted; other numbers are not mobiles."""
    assert submission.normalize_mobile("+86 138-1234-5678") == "13812345678"
    assert submission.normalize_mobile("008613812345678") == "13812345678"
    assert submission.normalize_mobile("028-12345678") is None
    assert submission.normalize_mobile("23812345678") is None


def test_receipt_prefix_fits_the_column():
    """A long slug is cut so the receipt number fits 32 characters."""
    number = submission.receipt_number("a" * 40, 2026, 12345)
    assert len(number) <= 32 and number.endswith("-2026-12345")
