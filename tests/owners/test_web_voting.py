"""An owner votes from their phone with their code: proposal, confirmation, receipt, once."""

from datetime import timedelta

import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditEvent, OwnerBallot
from tests.owners.helpers import code_for, make_compound, make_decision


def test_owner_votes_with_confirmation_and_sees_receipt(client, ctx):
    """Choose, confirm on a second step (nothing recorded before), then the receipt says it."""
    body, _, owners = make_compound()
    decision = make_decision(body)
    code = code_for(owners["a"])
    url = f"/o/{code}/d/{decision.id}"
    page = client.get(url).get_data(as_text=True)
    assert "选聘新的物业服务企业" in page and "1-101" in page and "1-103" in page
    step = client.post(url, data={"choice": "yes"})
    assert step.status_code == 200 and "确认提交" in step.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OwnerBallot.id))) == 0
    done = client.post(url, data={"choice": "yes", "confirm": "1"})
    assert done.status_code == 302
    receipt = client.get(url).get_data(as_text=True)
    assert "表决回执" in receipt and "同意" in receipt
    ballot = db.session.scalar(sa.select(OwnerBallot))
    assert (ballot.owner_id, ballot.choice, ballot.channel) == (owners["a"].id, "yes", "phone")
    events = sa.select(AuditEvent).where(AuditEvent.action == "owner_ballot.cast")
    assert len(db.session.scalars(events).all()) == 1


def test_second_ballot_is_refused_and_first_counts(client, ctx):
    """A second confirmed ballot (a co-owner, or the same person again) changes nothing."""
    body, _, owners = make_compound()
    owners["b"].contacts[0].owner.contacts.append(type(owners["b"].contacts[0])(name="共有人"))
    db.session.commit()
    decision = make_decision(body)
    first = owners["b"].contacts[0].issue_code()
    second = owners["b"].contacts[1].issue_code()
    db.session.commit()
    client.post(f"/o/{first}/d/{decision.id}", data={"choice": "no", "confirm": "1"})
    answer = client.post(f"/o/{second}/d/{decision.id}", data={"choice": "yes", "confirm": "1"})
    assert answer.status_code == 409
    assert "以第一张表决票为准" in answer.get_data(as_text=True)
    choices = db.session.scalars(sa.select(OwnerBallot.choice)).all()
    assert choices == ["no"]


def test_wrong_code_is_404_and_bad_choice_422(client, ctx):
    """A wrong code finds nothing; a choice that is not 同意/反对/弃权 is refused."""
    body, _, owners = make_compound()
    decision = make_decision(body)
    assert client.get(f"/o/WRONGCODE1/d/{decision.id}").status_code == 404
    code = code_for(owners["a"])
    assert client.post(f"/o/{code}/d/{decision.id}", data={"choice": "maybe"}).status_code == 422


def test_not_open_yet_and_out_of_scope_refused(client, ctx):
    """In the notice period nobody votes; an owner outside a building's scope cannot vote."""
    body, _, owners = make_compound()
    later = make_decision(body, open_now=False)
    code = code_for(owners["a"])
    answer = client.post(f"/o/{code}/d/{later.id}", data={"choice": "yes", "confirm": "1"})
    assert answer.status_code == 409 and "还没有开始" in answer.get_data(as_text=True)
    building3 = owners["developer"].units[0].building
    lift = make_decision(body, matter="major", buildings=[building3])
    answer = client.post(f"/o/{code}/d/{lift.id}", data={"choice": "yes", "confirm": "1"})
    assert answer.status_code == 409 and "不在这项表决的范围内" in answer.get_data(as_text=True)
    assert db.session.scalar(sa.select(sa.func.count(OwnerBallot.id))) == 0


def test_participation_shown_choices_hidden_during_window(client, ctx):
    """During the window the public page shows owners and area taking part, never choices."""
    body, _, owners = make_compound()
    decision = make_decision(body)
    code = code_for(owners["a"])
    client.post(f"/o/{code}/d/{decision.id}", data={"choice": "no", "confirm": "1"})
    page = client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    assert "1 / 4" in page and "271.50 / 541.50" in page
    assert "反对" not in page and "同意" not in page
    assert "13900000000" not in page


def test_window_closes_on_first_request_after_end(client, ctx, app):
    """After closes_at, the first visit closes and counts it; the 公示 then shows the result."""
    body, _, owners = make_compound()
    decision = make_decision(body, closes_at=clock.now() + timedelta(minutes=5))
    for key, choice in (("a", "yes"), ("b", "no")):
        client.post(
            f"/o/{code_for(owners[key])}/d/{decision.id}", data={"choice": choice, "confirm": "1"}
        )
    decision.closes_at = clock.now() - timedelta(seconds=1)
    db.session.commit()
    page = client.get(f"/owners/decisions/{decision.id}").get_data(as_text=True)
    assert "表决结果公示" in page and "未通过" in page
    db.session.refresh(decision)
    assert decision.status == "closed" and decision.passed is False
    # 2 of 4 owners and 331.5 of 541.5 m² took part; yes is 1 of 2 owners: not more than half.
    assert decision.frozen["result"]["failed"] == [
        "participation_area",
        "participation_owners",
        "threshold_owners",
    ]
