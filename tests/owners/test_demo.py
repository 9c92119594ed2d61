"""The demo compound 锦绣小区: its registry, a passed past decision, today's vote to try."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Owner, OwnerDecision, Unit
from app.owners.demo import DEMO_CODE


def test_demo_compound_and_a_newcomer_votes_at_once(app, ctx, client):
    """≈300 units in 6 buildings, the past decision passed, and a newcomer votes at once.

    The developer and the buyer of three units count once each; today's lift vote (building
    3, major) takes the demo owner's ballot.
    """
    result = app.test_cli_runner().invoke(args=["seed-demo"])
    assert DEMO_CODE in result.output
    units = db.session.scalar(sa.select(sa.func.count(Unit.id)))
    assert 280 <= units <= 320
    developer = db.session.scalar(sa.select(Owner).where(Owner.kind == "developer"))
    assert len(developer.units) == 48
    buyer = db.session.scalar(sa.select(Owner).where(Owner.name == "王建国"))
    assert len(buyer.units) == 3
    past, today = db.session.scalars(sa.select(OwnerDecision).order_by(OwnerDecision.id)).all()
    assert past.status == "closed" and past.passed is True and past.matter == "ordinary"
    assert today.matter == "major" and [b.name for b in today.buildings] == ["3"]
    url = f"/o/{DEMO_CODE}/d/{today.id}"
    assert "3号楼电梯更新" in client.get(url).get_data(as_text=True)
    assert client.post(url, data={"choice": "yes", "confirm": "1"}).status_code == 302
    assert "表决回执" in client.get(url).get_data(as_text=True)
    board = client.get("/b/xiaoqu/owners/decisions").get_data(as_text=True)
    assert "投票中" in board and "通过" in board
