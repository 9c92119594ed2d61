"""The committee's side: announce a decision, notices, paper ballots, door-to-door, extension."""

from datetime import datetime, timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditEvent, OwnerBallot, OwnerDecision, PaperBallot
from app.owners import rules
from tests.factories import make_user
from tests.owners.helpers import code_for, make_compound, make_decision


def local(days: int) -> str:
    """A datetime-local value ``days`` from now (the app's zone is ahead of UTC or equal)."""
    return (datetime.now() + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M")


def test_matter_follows_the_item_of_article_278():
    """Items 6–8 are major, the others ordinary; there is no item 10."""
    assert [rules.matter_of(n) for n in (4, 5, 6, 7, 8, 9)] == [
        "ordinary",
        "ordinary",
        "major",
        "major",
        "major",
        "ordinary",
    ]


def test_new_decision_needs_the_notice_period_and_keeps_input(client, login_as, ctx):
    """Voting may open only 15 days after the announcement; the form says so and keeps input."""
    body, convener, _ = make_compound()
    login_as(convener)
    data = {
        "title": "3号楼电梯更新",
        "text": "更换两部电梯。",
        "item": "7",
        "whole_compound": "",
        "buildings": [],
        "opens_at": local(3),
        "closes_at": local(10),
    }
    answer = client.post(f"/b/{body.slug}/owners/decisions/new", data=data)
    page = answer.get_data(as_text=True)
    assert answer.status_code == 422
    assert "须先公示 15 天" in page and "至少选一栋楼" in page and "3号楼电梯更新" in page
    building = db.session.execute(sa.text("SELECT id FROM buildings WHERE name='3'")).scalar()
    data |= {"opens_at": local(16), "closes_at": local(23), "buildings": [str(building)]}
    created = client.post(f"/b/{body.slug}/owners/decisions/new", data=data)
    assert created.status_code == 302
    decision = db.session.scalar(sa.select(OwnerDecision))
    assert decision.matter == "major" and [b.name for b in decision.buildings] == ["3"]
    events = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert "owner_decision.announced" in events


def test_only_the_committee_announces_and_enters(client, login_as, ctx):
    """An outsider cannot announce, print notices, enter paper ballots or see door-to-door."""
    body, _, _ = make_compound()
    decision = make_decision(body)
    login_as(make_user("路人"))
    assert client.get(f"/b/{body.slug}/owners/decisions/new").status_code == 403
    for path in ("paper", "door-to-door", "extend"):
        assert client.get(f"/owners/decisions/{decision.id}/{path}").status_code == 403
    assert client.post(f"/owners/decisions/{decision.id}/notices").status_code == 403
    assert client.post(f"/owners/decisions/{decision.id}/paper", data={}).status_code == 403


def test_notices_issue_codes_that_work(client, login_as, ctx):
    """Printing notices gives every contact a code with a QR; each code opens the owner's page."""
    body, convener, owners = make_compound()
    decision = make_decision(body)
    login_as(convener)
    page = client.post(f"/owners/decisions/{decision.id}/notices").get_data(as_text=True)
    assert page.count("表决通知书") >= 3 and page.count("<svg") >= 3
    code = page.split("表决码：<strong>")[1].split("<")[0]
    client.post("/sign-out")
    assert decision.title in client.get(f"/o/{code}").get_data(as_text=True)
    typed = client.post("/o", data={"code": code.lower()})
    assert typed.status_code == 302 and typed.location.endswith(f"/o/{code}")


def test_paper_ballot_needs_a_second_person_and_conflicts_are_listed(client, login_as, ctx):
    """录入 by one, 复核 by another counts; a phone ballot first makes the paper one a conflict.

    The same person cannot confirm what they entered, and the first ballot stands.
    """
    body, convener, owners = make_compound()
    second = make_user("复核人")
    from app.models import Convener

    db.session.add(Convener(body_id=body.id, user_id=second.id))
    db.session.commit()
    decision = make_decision(body)
    login_as(convener)
    url = f"/owners/decisions/{decision.id}/paper"
    assert (
        client.post(url, data={"serial": "001", "unit": "2-101", "choice": "no"}).status_code == 302
    )
    bad = client.post(url, data={"serial": "001", "unit": "9-999", "choice": "no"})
    assert bad.status_code == 422 and "不在本次表决的范围内" in bad.get_data(as_text=True)
    dup = client.post(url, data={"serial": "001", "unit": "2-102", "choice": "no"})
    assert dup.status_code == 422 and "已经录入过" in dup.get_data(as_text=True)
    entry = db.session.scalar(sa.select(PaperBallot))
    same = client.post(f"/owners/paper/{entry.id}/confirm")
    assert same.status_code == 422 and "另一人" in same.get_data(as_text=True)
    login_as(second)
    assert client.post(f"/owners/paper/{entry.id}/confirm").status_code == 200
    assert db.session.scalars(sa.select(OwnerBallot.channel)).all() == ["paper"]
    # the owner of 1-10x votes by phone, then a paper ballot for them comes in: a conflict
    client.post(
        f"/o/{code_for(owners['a'])}/d/{decision.id}", data={"choice": "yes", "confirm": "1"}
    )
    login_as(convener)
    client.post(url, data={"serial": "002", "unit": "1-102", "choice": "no"})
    late = db.session.scalar(sa.select(PaperBallot).where(PaperBallot.serial == "002"))
    login_as(second)
    page = client.post(f"/owners/paper/{late.id}/confirm").get_data(as_text=True)
    assert "冲突" in page
    db.session.refresh(late)
    assert late.status == "conflict"
    choice_of_a = sa.select(OwnerBallot.choice).where(OwnerBallot.owner_id == owners["a"].id)
    assert db.session.scalar(choice_of_a) == "yes"
    actions = db.session.scalars(sa.select(AuditEvent.action)).all()
    assert (
        actions.count("paper_ballot.entered") == 2 and actions.count("paper_ballot.confirmed") == 2
    )


def test_door_to_door_lists_who_has_not_voted_without_choices(client, login_as, ctx):
    """Per building, the units whose owner has not voted; voters and choices are not shown."""
    body, convener, owners = make_compound()
    decision = make_decision(body)
    client.post(
        f"/o/{code_for(owners['b'])}/d/{decision.id}", data={"choice": "no", "confirm": "1"}
    )
    login_as(convener)
    page = client.get(f"/owners/decisions/{decision.id}/door-to-door").get_data(as_text=True)
    assert "2-102" in page and "1-101" in page and "3-101" in page
    assert "2-101" not in page and "反对" not in page


def test_extension_once_within_the_maximum_with_reason_on_the_board(client, login_as, ctx):
    """Short of 2/3 the committee extends once (≤ the maximum), the reason shows; not twice."""
    body, convener, _ = make_compound()
    decision = make_decision(body)
    login_as(convener)
    url = f"/owners/decisions/{decision.id}/extend"
    too_long = client.post(url, data={"closes_at": local(40), "reason": "参与不足"})
    assert too_long.status_code == 422 and "最长天数" in too_long.get_data(as_text=True)
    assert client.post(url, data={"closes_at": local(14), "reason": "参与不足"}).status_code == 302
    assert "参与不足" in client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    again = client.post(url, data={"closes_at": local(15), "reason": "再延"})
    assert again.status_code == 422 and "只能延长一次" in again.get_data(as_text=True)


def test_extension_refused_when_participation_is_enough():
    """With 2/3 reached there is nothing to extend; a closed decision is never extended."""
    now = clock.now()
    later = now + timedelta(days=3)
    assert rules.may_extend("announced", False, True, now, later, 15).reason == "enough"
    assert rules.may_extend("closed", False, False, now, later, 15).reason == "closed"
    assert rules.may_extend("announced", False, False, now, later, 15).allowed


PNG = (
    b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"
    b"\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\x0f\x00\x00\x01\x01\x00\x05\x18\xd8N\x00"
    b"\x00\x00\x00IEND\xaeB`\x82"
)


def test_decision_with_attachments_and_the_resolution_it_came_from(client, login_as, ctx):
    """A PDF and an image are attached and served; a non-image is refused next to the field."""
    import io

    from tests.followup.helpers import make_resolution

    body, convener, _ = make_compound()
    resolution = make_resolution(body)
    login_as(convener)
    data = {
        "title": "选聘物业",
        "text": "方案。",
        "item": "4",
        "whole_compound": "y",
        "opens_at": local(16),
        "closes_at": local(23),
        "resolution": str(resolution.id),
    }
    bad = client.post(
        f"/b/{body.slug}/owners/decisions/new",
        data={**data, "attachments": [(io.BytesIO(b"MZ\x90\x00"), "virus.pdf")]},
        content_type="multipart/form-data",
    )
    assert bad.status_code == 422 and "只能是 JPG、PNG、WebP 图片或 PDF" in bad.get_data(
        as_text=True
    )
    files = [(io.BytesIO(b"%PDF-1.4 plan"), "方案.pdf"), (io.BytesIO(PNG), "平面图.png")]
    created = client.post(
        f"/b/{body.slug}/owners/decisions/new",
        data={**data, "attachments": files},
        content_type="multipart/form-data",
    )
    assert created.status_code == 302
    decision = db.session.scalar(sa.select(OwnerDecision))
    assert [a.title for a in decision.attachments] == ["方案.pdf", "平面图.png"]
    assert decision.resolution_id == resolution.id
    page = client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    assert "方案.pdf" in page and resolution.number_text in page
    pdf = client.get(f"/owners/decisions/{decision.id}/attachments/{decision.attachments[0].id}")
    assert pdf.status_code == 200 and pdf.mimetype == "application/pdf"
    assert pdf.headers["X-Content-Type-Options"] == "nosniff"


def test_settings_change_the_notice_period(client, login_as, ctx):
    """The compound's own notice period applies to new decisions; bad input stays in the form."""
    body, convener, _ = make_compound()
    login_as(convener)
    bad = client.post(
        f"/b/{body.slug}/owners/settings", data={"notice_days": "-1", "max_extension_days": "7"}
    )
    assert bad.status_code == 422 and "0 到 90" in bad.get_data(as_text=True)
    ok = client.post(
        f"/b/{body.slug}/owners/settings", data={"notice_days": "3", "max_extension_days": "7"}
    )
    assert ok.status_code == 302
    data = {
        "title": "选聘物业",
        "text": "方案。",
        "item": "4",
        "whole_compound": "y",
        "opens_at": local(4),
        "closes_at": local(10),
    }
    assert client.post(f"/b/{body.slug}/owners/decisions/new", data=data).status_code == 302


def test_passed_decision_becomes_a_resolution_once(client, login_as, ctx):
    """A passed decision is recorded as a numbered resolution for follow-up; only once."""
    from app.models import Resolution
    from app.owners import ballots

    body, convener, owners = make_compound()
    decision = make_decision(body)
    for key in ("a", "b", "developer"):
        ballots.cast(db.session, decision, owners[key], None, "yes", "paper", clock.now())
    decision.closes_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    login_as(convener)
    assert "形成决议并安排督办" in client.get(f"/owners/decisions/{decision.id}").get_data(
        as_text=True
    )
    made = client.post(f"/owners/decisions/{decision.id}/resolution")
    assert made.status_code == 302 and "/resolutions/" in made.location
    resolution = db.session.scalar(sa.select(Resolution))
    assert resolution.title == "选聘物业" and "表决通过" in resolution.text
    assert client.post(f"/owners/decisions/{decision.id}/resolution").status_code == 409
