"""Resolutions through the web: made from a passed motion, numbered, published, corrected."""

from datetime import date

import sqlalchemy as sa
from flask import render_template
from flask_login import login_user

from app.extensions import db
from app.models import Resolution, ResolutionCorrection, Topic
from tests.followup.helpers import make_passed_motion, make_resolution, make_topic

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}


def _data(**extra):
    return {
        "title": "共享厕所行动",
        "text": "沿街商户开放厕所",
        "decided_on": "2026-09-15",
        **extra,
    }


def test_convener_makes_a_numbered_draft_and_the_topic_is_decided(world, login_as, client):
    """From a passed motion: number 〔2026〕2号 after an existing 1号, topic moves to decided."""
    topic, _ = make_topic(world["body"], status="on_agenda")
    motion = make_passed_motion(world["body"], topic)
    login_as(world["convener"])
    form = client.get(f"/motions/{motion.id}/resolution").get_data(as_text=True)
    assert "同意商户开放共享厕所" in form and "赞成" in form and "checked" in form
    response = client.post(f"/motions/{motion.id}/resolution", data=_data(topics=[topic.id]))
    assert response.status_code == 302
    resolution = db.session.scalar(sa.select(Resolution).where(Resolution.motion_id == motion.id))
    assert resolution.number == 2 and resolution.number_text.startswith(world["body"].short_name)
    assert resolution.number_text.endswith("〔2026〕2号") and resolution.status == "draft"
    assert db.session.get(Topic, topic.id).status == "decided"
    again = client.get(f"/motions/{motion.id}/resolution")
    assert (
        again.status_code == 302
        and f"/resolutions/{resolution.id}/manage" in again.headers["Location"]
    )


def test_only_conveners_and_only_passed_closed_motions(world, login_as, client):
    """Members get 403; a failed motion cannot become a resolution (404)."""
    motion = make_passed_motion(world["body"])
    failed = make_passed_motion(world["body"], passed=False)
    login_as(world["members"][0])
    assert client.post(f"/motions/{motion.id}/resolution", data=_data()).status_code == 403
    login_as(world["convener"])
    assert client.post(f"/motions/{failed.id}/resolution", data=_data()).status_code == 404


def test_missing_text_is_answered_next_to_the_field(world, login_as, client):
    """An empty text is refused in words and the typed title is kept."""
    motion = make_passed_motion(world["body"])
    login_as(world["convener"])
    html = client.post(f"/motions/{motion.id}/resolution", data=_data(text="")).get_data(
        as_text=True
    )
    assert "这一项必须填写" in html and "共享厕所行动" in html


def test_publish_and_correct_after_publishing_is_recorded(world, login_as, client):
    """A draft is edited silently; once published a change needs a reason and is shown."""
    draft = make_resolution(world["body"], status="draft", title="旧标题")
    login_as(world["convener"])
    client.post(
        f"/resolutions/{draft.id}/corrections", data={"field": "title", "value": "草稿改名"}
    )
    assert db.session.scalar(sa.select(sa.func.count(ResolutionCorrection.id))) == 0
    assert client.get(f"/resolutions/{draft.id}").status_code == 404
    client.post(f"/resolutions/{draft.id}/publish", data=CONFIRMED)
    db.session.refresh(draft)
    assert (
        draft.status == "published" and draft.published_at is not None and draft.title == "草稿改名"
    )
    refused = client.post(
        f"/resolutions/{draft.id}/corrections", data={"field": "title", "value": "新标题"}
    )
    assert refused.status_code == 400 and "这一项必须填写" in refused.get_data(as_text=True)
    client.post(
        f"/resolutions/{draft.id}/corrections",
        data={"field": "decided_on", "value": "2026-09-16", "reason": "日期写错"},
    )
    db.session.refresh(draft)
    assert draft.decided_on == date(2026, 9, 16)
    html = client.get(f"/resolutions/{draft.id}").get_data(as_text=True)
    assert "公示后的更正" in html and "2026-09-15" in html and "日期写错" in html


def test_resolution_pages_refuse_non_conveners(world, login_as, client):
    """Publishing, correcting and the management page are for conveners only."""
    draft = make_resolution(world["body"], status="draft")
    login_as(world["staff"])
    assert client.get(f"/resolutions/{draft.id}/manage").status_code == 403
    assert client.post(f"/resolutions/{draft.id}/publish", data=CONFIRMED).status_code == 403
    assert (
        client.post(
            f"/resolutions/{draft.id}/corrections",
            data={"field": "title", "value": "x", "reason": "y"},
        ).status_code
        == 403
    )
    db.session.refresh(draft)
    assert draft.status == "draft"


def test_motion_resolution_partial(world, login_as, client, app):
    """The closed-motion partial offers 生成决议 to conveners, and the number once it exists."""
    motion = make_passed_motion(world["body"])
    with app.test_request_context("/"):
        login_user(world["convener"])
        assert "生成决议" in render_template(
            "followup/partials/motion_resolution.html", motion=motion
        )
    with app.test_request_context("/"):
        login_user(world["members"][0])
        assert "生成决议" not in render_template(
            "followup/partials/motion_resolution.html", motion=motion
        )
    resolution = make_resolution(world["body"], motion=motion)
    db.session.refresh(motion)
    with app.test_request_context("/"):
        html = render_template("followup/partials/motion_resolution.html", motion=motion)
    assert resolution.number_text in html and f"/resolutions/{resolution.id}" in html


def test_motion_topic_in_another_status_can_still_be_chosen(world, login_as, client):
    """The motion's own topic is offered even when not yet accepted; it keeps its status."""
    topic, _ = make_topic(world["body"], status="submitted")
    motion = make_passed_motion(world["body"], topic)
    login_as(world["convener"])
    response = client.post(f"/motions/{motion.id}/resolution", data=_data(topics=[topic.id]))
    assert response.status_code == 302
    resolution = db.session.scalar(sa.select(Resolution).where(Resolution.motion_id == motion.id))
    assert [t.id for t in resolution.topics] == [topic.id]
    assert db.session.get(Topic, topic.id).status == "submitted"
