"""The worked example of docs/counting.md, voted through the web pages with a proxy, adds up."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Motion
from tests.voting.helpers import check_in, give_proxy, seats_of, sitting, vote

#: The explicit second step of an irreversible action (app/web/confirm.py).
CONFIRMED = {"confirmed": "yes"}

CHOICES = {
    "community": ["yes"] * 7 + ["no"] * 2 + ["abstain"],
    "street": ["yes"] * 3 + ["no"],
    "merchant": ["yes"] + ["no"] * 5,
}


def test_worked_example_through_the_web(app, ctx, client, login_as):
    """25 seats, 20 present (one by proxy), mixed votes: 121/300, 107/300, 19/25, 121/228."""
    body, convener, meeting, item = sitting()
    community = seats_of(body, "community")
    present = {"community": community[:9], "street": seats_of(body, "street")[:4]}
    present["merchant"] = seats_of(body, "merchant")[:6]
    check_in(meeting, present["community"] + present["street"] + present["merchant"])
    give_proxy(meeting, community[9], community[0].holder)  # 10th community seat, by proxy
    voters = {"community": [(s, s.holder) for s in community[:9]]}
    voters["community"].append((community[9], community[0].holder))
    voters["street"] = [(s, s.holder) for s in present["street"]]
    voters["merchant"] = [(s, s.holder) for s in present["merchant"]]

    login_as(convener)
    form = {
        "text": "同意在华兴街设立共享厕所",
        "kind": "roll_call",
        "rule_choice": "custom",
        "weighting": "quota",
        "base": "cast",
        "threshold_op": ">",
        "threshold_value": "1/2",
        "quorum_op": ">",
        "quorum_value": "1/2",
        "concurrent": "none",
    }
    created = client.post(f"/items/{item.id}/motions/new", data=form)
    motion_id = int(created.location.rsplit("/", 1)[1])
    assert client.post(f"/motions/{motion_id}/open", data=CONFIRMED).status_code == 302
    motion = db.session.get(Motion, motion_id)

    for key, choices in CHOICES.items():
        for (seat, person), choice in zip(voters[key], choices, strict=True):
            assert vote(client, login_as, person, motion, seat, choice).status_code == 303

    login_as(convener)
    assert client.post(f"/motions/{motion_id}/close", data=CONFIRMED).status_code == 302
    db.session.expire_all()
    motion = db.session.get(Motion, motion_id)
    result = motion.frozen["result"]
    assert result["yes"] == "121/300"
    assert result["no"] == "107/300"
    assert result["base"] == "19/25"
    assert result["ratio"] == "121/228"
    assert result["passed"] is True and motion.passed is True
    assert motion.frozen["present"] == {"community": 10, "street": 4, "merchant": 6}
    assert motion.frozen["votes"]["merchant"] == {"yes": 1, "no": 5, "abstain": 0}
    assert motion.frozen["rule"] == motion.rule
    closed = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "motion.closed"))
    assert closed.after["result"] == result

    page = client.get(f"/motions/{motion_id}").text
    assert "✓ 通过" in page and result["explanation"] in page
    assert "121/228" in page and "53.1%" in page and "超过 1/2" in page


def test_result_never_recomputed_from_later_data(app, ctx, client, login_as):
    """Check-ins after the close change nothing in the frozen result or the page."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    login_as(convener)
    created = client.post(
        f"/items/{item.id}/motions/new",
        data={
            "text": "甲",
            "kind": "roll_call",
            "rule_choice": "default",
            "threshold_value": "1/2",
        },
    )
    motion_id = int(created.location.rsplit("/", 1)[1])
    client.post(f"/motions/{motion_id}/open", data=CONFIRMED)
    motion = db.session.get(Motion, motion_id)
    vote(client, login_as, seat.holder, motion, seat, "yes")
    login_as(convener)
    client.post(f"/motions/{motion_id}/close", data=CONFIRMED)
    frozen = db.session.get(Motion, motion_id).frozen
    check_in(meeting, seats_of(body, "merchant"))
    db.session.expire_all()
    assert db.session.get(Motion, motion_id).frozen == frozen
    assert frozen["present"]["merchant"] == 0
    page = client.get(f"/motions/{motion_id}").text
    assert "<td>8</td><td>0</td>" in page  # merchants: 应到 8, 实到 0
