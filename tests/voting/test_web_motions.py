"""The convener's motions through the web: create, open, close, cancel, show of hands."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, HandCount, Motion, SecretCount
from tests.factories import make_user
from tests.voting.helpers import add_motion, check_in, quick_body, seats_of, sitting

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

CUSTOM = {
    "text": "同意沿街商户开放共享厕所",
    "kind": "roll_call",
    "rule_choice": "custom",
    "weighting": "quota",
    "base": "cast",
    "threshold_op": ">",
    "threshold_value": "0.5",
    "quorum_op": ">",
    "quorum_value": "1/2",
    "concurrent": "none",
}


def test_convener_creates_motion_with_custom_rule(app, ctx, client, login_as):
    """A custom rule is stored exactly (0.5 becomes 1/2), the motion starts as a draft, audited."""
    body, convener, meeting, item = sitting()
    login_as(convener)
    response = client.post(f"/items/{item.id}/motions/new", data=CUSTOM)
    assert response.status_code == 302
    motion = db.session.scalar(sa.select(Motion))
    assert response.location.endswith(f"/motions/{motion.id}")
    assert motion.status == "draft" and motion.kind == "roll_call"
    assert motion.rule == {
        "weighting": "quota",
        "base": "cast",
        "threshold": {"op": ">", "value": "1/2"},
        "quorum": {"op": ">", "value": "1/2"},
    }
    assert db.session.scalar(sa.select(AuditEvent.action)) == "motion.created"


def test_motion_takes_body_default_or_preset(app, ctx, client, login_as):
    """The default choice copies the body's rule; a preset gives the preset's rule."""
    body, convener, meeting, item = sitting()
    login_as(convener)
    form = {"text": "甲", "kind": "secret", "rule_choice": "default", "threshold_value": "1/2"}
    client.post(f"/items/{item.id}/motions/new", data=form)
    client.post(
        f"/items/{item.id}/motions/new", data=form | {"text": "乙", "rule_choice": "two_thirds"}
    )
    first, second = db.session.scalars(sa.select(Motion).order_by(Motion.id))
    assert first.rule == body.default_rule and first.kind == "secret"
    assert second.rule["threshold"] == {"op": ">=", "value": "2/3"}


def test_motion_form_errors_next_to_fields(app, ctx, client, login_as):
    """Missing text and a bad proportion are said next to their fields; what was typed stays."""
    body, convener, meeting, item = sitting()
    login_as(convener)
    response = client.post(
        f"/items/{item.id}/motions/new", data=CUSTOM | {"text": "", "threshold_value": "2"}
    )
    assert response.status_code == 200
    assert "请填写表决内容" in response.text
    assert "比例要在 0 到 1 之间" in response.text
    assert 'value="2"' in response.text
    assert db.session.scalar(sa.select(sa.func.count(Motion.id))) == 0


def test_quota_rule_refused_when_shares_missing(app, ctx, client, login_as):
    """A quota rule for a body without shares is refused in words, nothing saved."""
    body, convener, meeting, item = sitting(
        quick_body(constituencies=[("a", 3, None, False), ("b", 2, None, False)])
    )
    login_as(convener)
    response = client.post(f"/items/{item.id}/motions/new", data=CUSTOM)
    assert "需要每个界别都有份额" in response.text
    assert db.session.scalar(sa.select(sa.func.count(Motion.id))) == 0


def test_motion_only_while_meeting_in_session(app, ctx, client, login_as):
    """Before the meeting sits, creating or opening a vote is refused and the page says why."""
    body, convener, meeting, item = sitting(status="published")
    motion = add_motion(meeting, item)
    login_as(convener)
    response = client.post(f"/items/{item.id}/motions/new", data=CUSTOM)
    assert response.status_code == 409 and "会议不在进行中" in response.text
    response = client.post(f"/motions/{motion.id}/open", data=CONFIRMED)
    assert response.status_code == 409 and "会议不在进行中" in response.text
    assert db.session.get(Motion, motion.id).status == "draft"


@pytest.mark.parametrize("who", ["member", "stranger"])
@pytest.mark.parametrize("action", ["open", "close", "cancel", "new", "page", "progress"])
def test_only_conveners_run_motions(app, ctx, client, login_as, who, action):
    """Members and strangers get 403 on every convener action; nothing changes."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, status="open" if action == "close" else "draft")
    person = seats_of(body, "street")[0].holder if who == "member" else make_user(password=None)
    login_as(person)
    url, method = {
        "open": (f"/motions/{motion.id}/open", "post"),
        "close": (f"/motions/{motion.id}/close", "post"),
        "cancel": (f"/motions/{motion.id}/cancel", "post"),
        "new": (f"/items/{item.id}/motions/new", "post"),
        "page": (f"/motions/{motion.id}", "get"),
        "progress": (f"/motions/{motion.id}/progress", "get"),
    }[action]
    response = getattr(client, method)(url, data={"reason": "x", **CUSTOM})
    assert response.status_code == 403
    assert db.session.scalar(sa.select(sa.func.count(Motion.id))) == 1
    assert db.session.get(Motion, motion.id).status == ("open" if action == "close" else "draft")


def test_anonymous_sent_to_sign_in(app, ctx, client):
    """Without signing in, opening a motion redirects to the sign-in page."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item)
    response = client.post(f"/motions/{motion.id}/open", data=CONFIRMED)
    assert response.status_code == 302 and "/sign-in" in response.location


def test_open_secret_motion_creates_all_counters(app, ctx, client, login_as):
    """Opening a secret motion makes every constituency × choice counter at 0, and audits it."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, kind="secret")
    login_as(convener)
    assert client.post(f"/motions/{motion.id}/open", data=CONFIRMED).status_code == 302
    counters = db.session.scalars(sa.select(SecretCount)).all()
    assert len(counters) == 3 * 3 and {c.count for c in counters} == {0}
    assert db.session.get(Motion, motion.id).status == "open"
    assert "motion.opened" in db.session.scalars(sa.select(AuditEvent.action)).all()


def test_closed_motion_cannot_reopen(app, ctx, client, login_as):
    """A closed vote is frozen for good: opening or closing it again is refused."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item)
    login_as(convener)
    client.post(f"/motions/{motion.id}/open", data=CONFIRMED)
    client.post(f"/motions/{motion.id}/close", data=CONFIRMED)
    frozen = db.session.get(Motion, motion.id).frozen
    assert client.post(f"/motions/{motion.id}/open", data=CONFIRMED).status_code == 409
    assert client.post(f"/motions/{motion.id}/close", data=CONFIRMED).status_code == 409
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).frozen == frozen


def test_cancel_needs_reason_and_is_recorded(app, ctx, client, login_as):
    """Cancelling without a reason is refused next to the field; with one it is audited."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, status="open")
    login_as(convener)
    response = client.post(f"/motions/{motion.id}/cancel", data={"reason": " "})
    assert "请写明撤销原因" in response.text
    assert db.session.get(Motion, motion.id).status == "open"
    client.post(f"/motions/{motion.id}/cancel", data={"reason": "规则选错了"})
    db.session.expire_all()
    cancelled = db.session.get(Motion, motion.id)
    assert cancelled.status == "cancelled" and cancelled.cancel_reason == "规则选错了"
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "motion.cancelled"))
    assert event.after == {"status": "cancelled", "reason": "规则选错了"}
    assert client.post(f"/motions/{motion.id}/open", data=CONFIRMED).status_code == 409


def _hands(motion_id, body, overrides=None):
    data = {}
    for c in body.constituencies:
        for name, value in {"present": 4, "yes": 2, "no": 1, "abstain": 0}.items():
            data[f"c{c.id}-{name}"] = str(value)
    return data | (overrides or {})


def test_show_of_hands_validated_next_to_each_field(app, ctx, client, login_as):
    """Present over seats, votes over present and non-numbers are each said next to the field."""
    body, convener, meeting, item = sitting()
    street = next(c for c in body.constituencies if c.key == "street")
    merchant = next(c for c in body.constituencies if c.key == "merchant")
    motion = add_motion(meeting, item, kind="hands", status="open")
    login_as(convener)
    bad = {
        f"c{street.id}-present": "6",
        f"c{merchant.id}-yes": "3",
        f"c{merchant.id}-no": "2",
        f"c{body.constituencies[0].id}-abstain": "两",
    }
    response = client.post(f"/motions/{motion.id}/hands", data=_hands(motion.id, body, bad))
    assert response.status_code == 200
    assert "出席人数不能超过本界别的席位数" in response.text
    assert response.text.count(">赞成、反对、弃权加起来不能超过出席人数<") == 2
    assert "请填写整数" in response.text
    assert 'value="6"' in response.text
    assert db.session.get(Motion, motion.id).status == "open"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(HandCount)) == 0


def test_show_of_hands_counted_by_the_engine(app, ctx, client, login_as):
    """The worked example's counts typed by hand give the documented result, frozen."""
    body, convener, meeting, item = sitting()
    ids = {c.key: c.id for c in body.constituencies}
    motion = add_motion(meeting, item, kind="hands", status="open")
    counts = {
        "community": (10, 7, 2, 1),
        "street": (4, 3, 1, 0),
        "merchant": (6, 1, 5, 0),
    }
    data = {}
    for key, numbers in counts.items():
        for name, value in zip(("present", "yes", "no", "abstain"), numbers, strict=True):
            data[f"c{ids[key]}-{name}"] = str(value)
    login_as(convener)
    assert client.post(f"/motions/{motion.id}/close", data=CONFIRMED).status_code == 409
    assert client.post(f"/motions/{motion.id}/hands", data=data).status_code == 302
    closed = db.session.get(Motion, motion.id)
    result = closed.frozen["result"]
    assert (result["yes"], result["no"], result["ratio"]) == ("121/300", "107/300", "121/228")
    assert closed.passed is True and closed.status == "closed"
    assert closed.frozen["present"] == {"community": 10, "street": 4, "merchant": 6}


def test_show_of_hands_prefilled_from_check_ins(app, ctx, client, login_as):
    """The hands form starts with each constituency's checked-in seats as present."""
    body, convener, meeting, item = sitting()
    check_in(meeting, seats_of(body, "street")[:3])
    motion = add_motion(meeting, item, kind="hands", status="open")
    street = next(c for c in body.constituencies if c.key == "street")
    login_as(convener)
    response = client.get(f"/motions/{motion.id}")
    assert f'id="c{street.id}-present"' in response.text
    assert f'name="c{street.id}-present" type="number" value="3"' in response.text


def test_close_refused_when_rule_no_longer_counts(app, ctx, client, login_as):
    """If the body's shares changed so the quota rule cannot count, closing says so in words."""
    body, convener, meeting, item = sitting()
    motion = add_motion(meeting, item, status="open")
    body.constituencies[0].share = "1/5"  # shares now add up to 4/5
    db.session.commit()
    login_as(convener)
    response = client.post(f"/motions/{motion.id}/close", data=CONFIRMED)
    assert response.status_code == 409 and "请撤销这项动议后重新发起" in response.text
    assert db.session.get(Motion, motion.id).status == "open"
