"""公示期: publishing starts the notice period; objections with receipts; public answers."""

from datetime import date

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup import notice
from app.models import AuditEvent, Objection, Resolution
from tests.followup.helpers import make_resolution


def test_notice_period_counts_calendar_days_from_publication():
    """Published on 1 March with 7 days: 公示中 to 8 March, 已生效 from 9 March."""
    resolution = Resolution(status="published")
    notice.start(resolution, date(2026, 3, 1), 7)
    assert resolution.notice_ends_on == date(2026, 3, 8)
    assert resolution.in_notice(date(2026, 3, 8)) and not resolution.in_force(date(2026, 3, 8))
    assert resolution.in_force(date(2026, 3, 9)) and notice.in_force_from(resolution) == date(
        2026, 3, 9
    )


@time_machine.travel("2026-11-02 10:00 +0800", tick=False)
def test_publishing_starts_the_bodys_notice_period(world, login_as, client):
    """The convener publishes: the period is the body's setting (here 5 days), audited."""
    world["body"].notice_days = 5
    draft = make_resolution(world["body"], status="draft")
    login_as(world["convener"]).post(f"/resolutions/{draft.id}/publish", data={"confirmed": "yes"})
    db.session.refresh(draft)
    assert draft.notice_ends_on == date(2026, 11, 7)
    html = client.get(f"/resolutions/{draft.id}").get_data(as_text=True)
    assert "公示中" in html and "提出异议" in html


def test_anyone_objects_during_the_period_and_the_convener_answers(world, login_as, client):
    """Objections with receipts during the period, answered publicly; none after it.

    Bad input is said beside the field; the convener answers once; after the period the page
    says 已生效 with its date and takes no objection.
    """
    resolution = make_resolution(world["body"], notice_ends_on=date(2026, 11, 9))
    url = f"/resolutions/{resolution.id}/objections"
    with time_machine.travel("2026-11-05 10:00 +0800", tick=False):
        empty = client.post(url, data={"text": "", "name": "老王"})
        assert empty.status_code == 422 and "老王" in empty.get_data(as_text=True)
        done = client.post(
            url, data={"text": "停车位分配不公平", "name": ""}, follow_redirects=True
        )
        objection = db.session.scalars(sa.select(Objection)).one()
        assert objection.receipt_no.startswith("YY-")
        assert f"回执编号 {objection.receipt_no}" in done.get_data(as_text=True)
        answer_url = f"/objections/{objection.id}/answer"
        login_as(world["staff"])
        assert client.post(answer_url, data={"answer": "x"}).status_code == 403
        login_as(world["convener"])
        client.post(answer_url, data={"answer": "按抽签结果分配，过程已公开"})
        client.post(answer_url, data={"answer": "改口"})
        db.session.refresh(objection)
        assert objection.answer == "按抽签结果分配，过程已公开"
    with time_machine.travel("2026-11-10 10:00 +0800", tick=False):
        client.post("/sign-out")
        page = client.get(f"/resolutions/{resolution.id}").get_data(as_text=True)
        assert "已生效" in page and "自 2026年11月10日 起生效" in page
        assert "按抽签结果分配" in page and "提出异议" not in page
        assert client.post(url, data={"text": "晚了"}).status_code == 302
    assert db.session.scalars(sa.select(Objection)).all() == [objection]
    actions = db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.object_type == "Objection")
    ).all()
    assert actions == ["objection.filed", "objection.answered"]
