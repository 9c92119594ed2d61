"""The lists' pages: offering, proposing, pledging, batches through a vote, the public page."""

from datetime import date
from decimal import Decimal

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import Batch, Pledge, Project, Resolution, Resource, Task
from app.models.statuses import MotionStatus
from tests.factories import make_unit
from tests.lists.helpers import make_need, make_project
from tests.voting.helpers import sitting


def _member(body):
    return body.constituencies[0].seat_list[0].holder


def test_a_member_offers_a_resource_and_bad_input_is_said_beside_the_field(ctx, client, login_as):
    """A zero quantity is refused with a message, what was typed kept; a good offer is listed."""
    body, *_ = sitting()
    login_as(_member(body))
    url = f"/bodies/{body.slug}/resources"
    form = {"owner_name": "老字号茶铺", "owner_kind": "merchant", "kind": "venue"}
    form |= {"title": "二楼茶室", "quantity": "0", "unit": "㎡", "contact": "张老板 139"}
    form = {f"resource-{k}": v for k, v in form.items()}
    bad = client.post(url, data=form)
    assert bad.status_code == 422
    page = bad.get_data(as_text=True)
    assert "请填写大于 0 的数量或金额。" in page and 'value="二楼茶室"' in page
    good = client.post(url, data=form | {"resource-quantity": "40", "resource-public": "y"})
    assert good.status_code == 303
    resource = db.session.scalar(sa.select(Resource))
    assert resource.quantity == Decimal("40.00") and resource.public and resource.unit == "㎡"
    money = {"resource-kind": "funds", "resource-quantity": "5000.5", "resource-unit": "箱"}
    money = client.post(url, data=form | money)
    assert money.status_code == 303
    assert db.session.scalar(sa.select(Resource.unit).where(Resource.kind == "funds")) == "元"


def test_an_outsider_cannot_offer_or_see_the_lists(ctx, client, login_as):
    """Someone with no seat or convenership in the body is refused (403)."""
    from tests.factories import make_user

    body, *_ = sitting()
    login_as(make_user("路人", password=None))
    assert client.get(f"/bodies/{body.slug}/lists").status_code == 403
    assert client.post(f"/bodies/{body.slug}/resources", data={}).status_code == 403


def test_a_batch_goes_through_a_vote_into_resolutions(ctx, client, login_as):
    """Propose, pledge, batch, put to the vote, close, decide: resolutions and tasks appear."""
    body, convener, meeting, _ = sitting()
    unit = make_unit()
    need = make_need(body)
    login_as(_member(body))
    proposed = client.post(
        f"/bodies/{body.slug}/projects",
        data={
            "project-need": need.id,
            "project-title": "一号楼加装电梯",
            "project-lead_unit": unit.id,
            "project-budget": "350000.00",
            "project-deadline": "2027-06-30",
            "project-plan": "业主出资一部分，街道补贴一部分",
        },
    )
    assert proposed.status_code == 303
    project = db.session.scalar(sa.select(Project))
    pledged = client.post(
        f"/projects/{project.id}/pledges",
        data={"resource": "0", "pledger": "驻区银行", "kind": "funds", "amount": "200000"},
    )
    assert pledged.status_code == 303
    login_as(convener)
    client.post(f"/bodies/{body.slug}/batches")
    batch = db.session.scalar(sa.select(Batch))
    client.post(f"/batches/{batch.id}/projects", data={"project": project.id})
    voted = client.post(f"/batches/{batch.id}/vote", data={"meeting": meeting.id})
    assert voted.status_code == 303 and "/motions/" in voted.headers["Location"]
    db.session.refresh(batch)
    motion = batch.motion
    early = client.post(f"/batches/{batch.id}/decide")
    assert early.status_code == 303 and db.session.get(Batch, batch.id).status == "voting"
    motion.status, motion.passed, motion.closed_at = MotionStatus.CLOSED, True, clock.now()
    motion.frozen = {"result": {"passed": True}}
    db.session.commit()
    assert client.post(f"/batches/{batch.id}/decide").status_code == 303
    resolution = db.session.scalar(sa.select(Resolution))
    assert resolution.title == "一号楼加装电梯" and resolution.is_draft
    task = db.session.scalar(sa.select(Task))
    assert task.unit_id == unit.id and task.deadline == date(2027, 6, 30)
    item = db.session.scalar(sa.select(Pledge))
    delivered = client.post(f"/pledges/{item.id}/delivered", data={"delivered": "200000"})
    assert delivered.status_code == 303
    public = client.get(f"/bodies/{body.slug}/happiness").get_data(as_text=True)
    assert "撬动驻区单位资源 20.00 万元，落地 1 项" in public and "第1批" in public


def test_a_member_cannot_run_batches_or_record_delivery(ctx, client, login_as):
    """Batches and deliveries are the convener's: a member is refused (403)."""
    body, *_ = sitting()
    project = make_project(body, make_need(body), make_unit())
    login_as(_member(body))
    assert client.post(f"/bodies/{body.slug}/batches").status_code == 403
    item = Pledge(project=project, pledger="x", kind="funds", amount=Decimal("1"), unit="元")
    db.session.add(item)
    db.session.commit()
    assert client.post(f"/pledges/{item.id}/delivered", data={"delivered": "1"}).status_code == 403


def test_open_data_is_exact_and_csv_neutralises_formulas(ctx, client):
    """JSON amounts are decimal strings; a pledger named like a formula is text in the CSV."""
    body, *_ = sitting()
    project = make_project(body, make_need(body), make_unit(), budget="0.30")
    for name in ('=HYPERLINK("x")', "+1", "-2", "@SUM(A1)", "\tTab", "\rCR", "＝全角", "正常"):
        db.session.add(
            Pledge(project=project, pledger=name, kind="funds", amount=Decimal("0.1"), unit="元")
        )
    db.session.commit()
    data = client.get(f"/open-data/{body.slug}/projects.json").get_json()
    row = data["projects"][0]
    assert row["budget_yuan"] == "0.30" and row["funds_pledged_yuan"] == "0.80"
    text = client.get(f"/open-data/{body.slug}/pledges.csv").get_data(as_text=True)
    for cell in ("'=HYPERLINK", "'+1", "'-2", "'@SUM", "'\tTab", "'＝全角", "正常"):
        assert cell in text
    assert ",=HYPERLINK" not in text and "\n=" not in text
    assert '"\'\rCR"' in text
    csv = client.get(f"/open-data/{body.slug}/projects.csv").get_data(as_text=True)
    assert "0.30" in csv.splitlines()[1]


def test_the_public_page_hides_private_resources_and_contacts(ctx, client):
    """Only resources whose owner allowed it are public, and never with their contact."""
    body, *_ = sitting()
    for public in (True, False):
        db.session.add(
            Resource(
                body_id=body.id,
                owner_name="公开单位" if public else "私下单位",
                owner_kind="unit",
                kind="goods",
                title="桌椅",
                quantity=Decimal("10"),
                unit="套",
                contact="13912345678",
                public=public,
            )
        )
    db.session.commit()
    page = client.get(f"/bodies/{body.slug}/happiness").get_data(as_text=True)
    assert "公开单位" in page and "私下单位" not in page and "13912345678" not in page
