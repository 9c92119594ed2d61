"""Seconds, the convener's triage queue, and the public list and topic pages."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Constituency, Seat, Second
from app.topics import rules, submission
from tests.factories import make_body, make_convener, make_user

PHONE = "13912345678"


@pytest.fixture
def body(ctx):
    """A body needing two seconds, with two seat-holding members."""
    return make_body(
        "huaxing",
        constituencies=[("community", 3, "1/1", False)],
        seconds_needed=2,
    )


def members(body):
    """The seat holders of ``body``."""
    return list(
        db.session.scalars(
            sa.select(Seat).join(Constituency).where(Constituency.body_id == body.id)
        )
    )


def topic(body, title="路灯坏了", status="submitted", phone=PHONE, **extra):
    """A stored topic of ``body``."""
    fields = {
        "title": title,
        "description": "晚上很黑",
        "category": "设施",
        "location": "",
        "submitter_name": "张阿姨",
        "submitter_phone": phone,
    }
    item, _ = submission.submit(db.session, body, fields, year=2026)
    if status != "submitted":
        rules.move(item, status)
    for key, value in extra.items():
        setattr(item, key, value)
    db.session.commit()
    return item


def test_member_seconds_once(client, login_as, body):
    """Seconding twice stores one second and counts one."""
    item = topic(body)
    login_as(members(body)[0].holder)
    for _ in range(2):
        assert client.post(f"/topics/{item.id}/second").status_code == 303
    db.session.expire_all()
    assert item.seconds_count == 1
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Second)) == 1
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert actions.count("topic.seconded") == 1


def test_second_fragment_replaces_the_button(client, login_as, body, captured_templates):
    """An htmx second answers with the second box partial, now saying it is done."""
    item = topic(body)
    login_as(members(body)[0].holder)
    response = client.post(f"/topics/{item.id}/second", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert captured_templates == ["topics/partials/second_button.html"]
    assert "您已附议" in html and "1 位成员附议" in html
    assert "HX-Request" in response.headers["Vary"]


def test_non_member_cannot_second(client, login_as, body):
    """Someone without a seat in the body gets 403; anonymous visitors go to sign in."""
    item = topic(body)
    assert client.post(f"/topics/{item.id}/second").status_code == 302
    login_as(make_user())
    assert client.post(f"/topics/{item.id}/second").status_code == 403


def test_ready_topics_come_first_in_triage(client, login_as, body):
    """A topic with enough seconds is marked ready and sorted first in the queue."""
    older = topic(body, "先提的议题")
    ready = topic(body, "附议够了的议题")
    for seat in members(body)[:2]:
        db.session.add(Second(topic_id=ready.id, user_id=seat.holder_id))
    ready.seconds_count = 2
    db.session.commit()
    login_as(make_convener(body))
    html = client.get("/b/huaxing/triage").get_data(as_text=True)
    assert "已达到附议人数，待召集人处理" in html
    assert html.index("附议够了的议题") < html.index("先提的议题")
    assert older.id


@pytest.mark.parametrize(
    ("method", "url"),
    [
        ("get", "/b/huaxing/triage"),
        ("get", "/b/huaxing/topics/qr"),
        ("post", "/topics/{id}/accept"),
        ("post", "/topics/{id}/needs-info"),
        ("post", "/topics/{id}/decline"),
        ("post", "/topics/{id}/merge"),
    ],
)
def test_only_the_bodys_convener_triages(client, login_as, body, method, url):
    """Anonymous visitors are sent to sign in; members and other conveners get 403."""
    item = topic(body)
    url = url.format(id=item.id)
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/sign-in" in response.headers["Location"]
    login_as(members(body)[0].holder)
    assert getattr(client, method)(url).status_code == 403
    login_as(make_convener(make_body(holders=False)))
    assert getattr(client, method)(url).status_code == 403
    db.session.expire_all()
    assert item.status == "submitted"


def test_admin_may_triage(client, login_as, body):
    """Administrators may triage any body."""
    login_as(make_user(is_admin=True))
    assert client.get("/b/huaxing/triage").status_code == 200


def test_accept_returns_the_row_for_htmx(client, login_as, body, captured_templates):
    """Accepting through htmx answers with the same row, now 已受理, and records who did it."""
    item = topic(body)
    convener = make_convener(body)
    login_as(convener)
    response = client.post(f"/topics/{item.id}/accept", headers={"HX-Request": "true"})
    assert captured_templates[-1] == "topics/partials/triage_row.html"
    assert "base.html" not in captured_templates
    assert "已受理" in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.status == "accepted"
    assert item.events[-1].actor_id == convener.id
    assert db.session.scalars(sa.select(AuditEvent.action)).all()[-1] == "topic.accepted"


def test_accept_without_js_redirects_back(client, login_as, body):
    """Without htmx an action redirects back to the queue and its filters (Post/Redirect/Get)."""
    item = topic(body)
    login_as(make_convener(body))
    response = client.post(f"/topics/{item.id}/accept")
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"#topic-{item.id}")
    kept = client.post(
        f"/topics/{topic(body, '另一个').id}/accept",
        data={"back_status": "submitted", "back_category": "设施"},
    )
    assert "status=submitted" in kept.headers["Location"]
    assert "category=" in kept.headers["Location"]


def test_stale_action_says_why_in_the_row(client, login_as, body):
    """Accepting a topic someone already declined answers with its status in words."""
    item = topic(body, status="accepted")
    login_as(make_convener(body))
    response = client.post(f"/topics/{item.id}/accept", headers={"HX-Request": "true"})
    assert "不能这样处理" in response.get_data(as_text=True)


def test_decline_requires_a_reason_and_shows_it_publicly(client, login_as, body):
    """Declining without a reason is refused next to the field; with one it is public."""
    item = topic(body)
    login_as(make_convener(body))
    prefix = f"t{item.id}-decline-"
    response = client.post(f"/topics/{item.id}/decline", data={prefix + "note": "说明"})
    html = response.get_data(as_text=True)
    assert response.status_code == 422
    assert f'id="{prefix}reason-error"' in html and "请选择一个理由" in html
    assert "说明" in html
    db.session.expire_all()
    assert item.status == "submitted"
    client.post(
        f"/topics/{item.id}/decline",
        data={prefix + "reason": "outside_remit", prefix + "note": "请找街道城管"},
    )
    db.session.expire_all()
    assert item.status == "declined"
    assert client.post("/sign-out").status_code == 302
    for url in (f"/topics/{item.id}", "/b/huaxing/topics"):
        html = client.get(url).get_data(as_text=True)
        assert "不属于本联席会议的职责范围" in html and "请找街道城管" in html, url


def test_unknown_decline_reason_is_refused(client, login_as, body):
    """A reason that is not on the list is refused."""
    item = topic(body)
    login_as(make_convener(body))
    prefix = f"t{item.id}-decline-"
    response = client.post(f"/topics/{item.id}/decline", data={prefix + "reason": "because"})
    assert "请从列表里选择理由" in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.status == "submitted"


def test_merge_carries_seconds_and_redirects(client, login_as, body):
    """Merging moves the seconds to the survivor and the merged topic's page redirects there."""
    loser, survivor = topic(body, "路灯不亮"), topic(body, "路灯坏了好几天")
    a, b, c = (s.holder_id for s in members(body))
    db.session.add_all(
        [
            Second(topic_id=loser.id, user_id=a),
            Second(topic_id=loser.id, user_id=b),
            Second(topic_id=survivor.id, user_id=b),
        ]
    )
    loser.seconds_count, survivor.seconds_count = 2, 1
    db.session.commit()
    login_as(make_convener(body))
    prefix = f"t{loser.id}-merge-"
    response = client.post(
        f"/topics/{loser.id}/merge",
        data={prefix + "into": survivor.id, prefix + "note": "同一件事"},
    )
    assert response.status_code == 303
    db.session.expire_all()
    assert loser.status == "merged" and loser.merged_into_id == survivor.id
    assert survivor.seconds_count == 2
    page = client.get(f"/topics/{loser.id}")
    assert page.status_code == 302
    assert page.headers["Location"].startswith(f"/topics/{survivor.id}")
    html = client.get(page.headers["Location"]).get_data(as_text=True)
    assert "已合并到下面这个议题" in html
    assert c


def test_merge_into_other_body_is_refused(client, login_as, body):
    """A topic cannot be merged into another body's topic."""
    item = topic(body)
    foreign = topic(make_body("other", holders=False), "别处的议题")
    login_as(make_convener(body))
    prefix = f"t{item.id}-merge-"
    response = client.post(f"/topics/{item.id}/merge", data={prefix + "into": foreign.id})
    assert "只能合并到" in response.get_data(as_text=True)
    db.session.expire_all()
    assert item.status == "submitted"


def test_needs_info_then_submitter_answers(client, login_as, body):
    """The convener asks for more; the submitter sees the question and answers on their link."""
    fields = {
        "title": "噪音",
        "description": "吵",
        "category": "其他",
        "location": "",
        "submitter_name": "",
        "submitter_phone": "",
    }
    item, token = submission.submit(db.session, body, fields, year=2026)
    db.session.commit()
    login_as(make_convener(body))
    prefix = f"t{item.id}-info-"
    empty = client.post(f"/topics/{item.id}/needs-info", data={prefix + "note": ""})
    assert "请写明需要补充什么" in empty.get_data(as_text=True)
    client.post(f"/topics/{item.id}/needs-info", data={prefix + "note": "请问是哪栋楼？"})
    queue = client.get("/b/huaxing/triage").get_data(as_text=True)
    assert "已请提交人补充：请问是哪栋楼？" in queue
    assert client.post("/sign-out").status_code == 302
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "待补充信息" in html and "请问是哪栋楼？" in html
    response = client.post(f"/t/{token}/info", data={"info": "3 栋楼下"})
    assert response.status_code == 303
    db.session.expire_all()
    assert item.status == "submitted"
    assert [e.to_status for e in item.events] == ["submitted", "needs_info", "submitted"]


def test_triage_filter_answers_with_the_list_fragment(client, login_as, body, captured_templates):
    """Changing a filter through htmx answers with the list partial only."""
    waiting = topic(body, "路灯坏了")
    accepted = topic(body, "已经受理的", status="accepted")
    login_as(make_convener(body))
    response = client.get("/b/huaxing/triage?status=accepted", headers={"HX-Request": "true"})
    html = response.get_data(as_text=True)
    assert captured_templates[0] == "topics/partials/triage_list.html"
    assert f'id="topic-{accepted.id}"' in html and f'id="topic-{waiting.id}"' not in html
    assert "已经受理的" in html


def test_public_list_search_and_filters(client, body, captured_templates):
    """The public list searches titles and filters by status and category."""
    topic(body, "路灯坏了")
    topic(body, "垃圾没人收", category="环境卫生")
    topic(body, "停车难", status="accepted")
    assert "路灯坏了" in client.get("/b/huaxing/topics?q=路灯").get_data(as_text=True)
    html = client.get("/b/huaxing/topics?q=路灯").get_data(as_text=True)
    assert "垃圾没人收" not in html
    html = client.get("/b/huaxing/topics?status=accepted").get_data(as_text=True)
    assert "停车难" in html and "路灯坏了" not in html
    captured_templates.clear()
    html = client.get(
        "/b/huaxing/topics?category=环境卫生", headers={"HX-Request": "true"}
    ).get_data(as_text=True)
    assert captured_templates == ["topics/partials/list.html"]
    assert "垃圾没人收" in html and "路灯坏了" not in html


def test_phone_never_on_a_public_page(client, login_as, body):
    """The submitter's phone appears on no public page: board, list, topic page, follow link."""
    item = topic(body)
    declined = topic(body, "另一个")
    rules.decline(declined, "duplicate", "")
    db.session.commit()
    token_topic, token = submission.submit(
        db.session,
        body,
        {
            "title": "t",
            "description": "d",
            "category": "其他",
            "location": "",
            "submitter_name": "",
            "submitter_phone": PHONE,
        },
        year=2026,
    )
    db.session.commit()
    urls = [
        "/",
        "/b/huaxing",
        "/b/huaxing/topics",
        "/b/huaxing/topics?status=declined",
        f"/topics/{item.id}",
        f"/topics/{declined.id}",
        f"/t/{token}",
        f"/topics/{token_topic.id}",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        assert PHONE not in response.get_data(as_text=True), url
    # The convener does see it, so the test would notice if it leaked into a shared partial.
    login_as(make_convener(body))
    assert PHONE in client.get("/b/huaxing/triage").get_data(as_text=True)


def test_merged_submitter_follows_the_survivor(client, login_as, body):
    """After a merge the submitter's follow link names the survivor and its status in words."""
    fields = {
        "title": "路灯不亮",
        "description": "黑",
        "category": "设施",
        "location": "",
        "submitter_name": "",
        "submitter_phone": "",
    }
    loser, token = submission.submit(db.session, body, fields, year=2026)
    survivor = topic(body, "路灯坏了好几天", status="accepted")
    rules.merge(loser, survivor)
    db.session.commit()
    html = client.get(f"/t/{token}").get_data(as_text=True)
    assert "已合并" in html and "路灯坏了好几天" in html
    assert "合并后的议题现在的状态：" in html and "已受理" in html
