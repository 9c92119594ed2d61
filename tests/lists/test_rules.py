"""The lists' rules: needs from topics, pledges, deliveries, batches decided by a vote, totals."""

from datetime import date, datetime
from decimal import Decimal

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.lists import rules, totals
from app.models import Motion, Resolution, Task
from app.models.statuses import BatchStatus, MotionStatus, ProjectStatus, TopicStatus
from tests.factories import make_unit
from tests.followup.helpers import make_topic
from tests.lists.helpers import make_need, make_project
from tests.voting.helpers import sitting

NOW = datetime(2026, 11, 20, 3, 0)


def test_a_need_comes_from_an_accepted_topic_once(ctx):
    """A submitted topic is refused; an accepted one becomes a need once, with its category."""
    body, *_ = sitting()
    topic, _ = make_topic(body, status="submitted")
    with pytest.raises(rules.ListsError, match="accepted"):
        rules.need_from_topic(db.session, topic)
    topic.status = TopicStatus.ACCEPTED
    need = rules.need_from_topic(db.session, topic)
    assert need.title == topic.title and need.topic_id == topic.id
    with pytest.raises(rules.ListsError, match="already"):
        rules.need_from_topic(db.session, topic)


def test_pledges_and_deliveries_sum_exactly(ctx):
    """0.1 + 0.2 yuan is exactly 0.30 here; delivered never exceeds pledged; units stay apart."""
    body, *_ = sitting()
    unit = make_unit()
    project = make_project(body, make_need(body), unit)
    a = rules.pledge(
        db.session, project, pledger="甲", kind="funds", amount=Decimal("0.1"), unit=""
    )
    b = rules.pledge(
        db.session, project, pledger="乙", kind="funds", amount=Decimal("0.2"), unit="x"
    )
    room = rules.pledge(
        db.session, project, pledger="丙", kind="venue", amount=Decimal("300"), unit="㎡"
    )
    assert b.unit == "元"
    rules.deliver(a, Decimal("0.1"))
    with pytest.raises(rules.ListsError):
        rules.deliver(b, Decimal("0.21"))
    with pytest.raises(rules.ListsError):
        rules.pledge(db.session, project, pledger="丁", kind="funds", amount=Decimal("0"), unit="")
    rules.deliver(room, Decimal("150"))
    got = totals.of_projects([project])
    assert got.money_pledged == Decimal("0.30") and got.money_delivered == Decimal("0.10")
    assert got.other == {("venue", "㎡"): [Decimal("300"), Decimal("150")]}
    assert got.delivered_projects == 0  # proposed, and not all has arrived


def _batch_with_projects(body, unit, n=2):
    batch = rules.new_batch(db.session, body, "第一批")
    for i in range(n):
        project = make_project(body, make_need(body, title=f"需求{i}"), unit, title=f"项目{i}")
        rules.add_to_batch(batch, project)
    db.session.commit()
    return batch


def _close(motion: Motion, passed: bool):
    motion.status = MotionStatus.CLOSED
    motion.passed = passed
    motion.closed_at = clock.now()
    motion.frozen = {"result": {"passed": passed}}
    db.session.commit()


def test_an_approved_batch_makes_resolutions_with_tasks(ctx):
    """A passed batch vote: every project approved, one numbered resolution and one task each."""
    body, convener, meeting, _ = sitting()
    unit = make_unit()
    topic, _ = make_topic(body, status="accepted")
    batch = _batch_with_projects(body, unit)
    batch.projects[0].need.topic = topic
    motion = rules.put_to_vote(
        db.session, batch, meeting, title="第一批项目", heading="表决：", created_by_id=convener.id
    )
    db.session.commit()
    assert batch.status == BatchStatus.VOTING and "项目0" in motion.text
    assert motion.agenda_item.kind == "decision" and motion.status == MotionStatus.DRAFT
    with pytest.raises(rules.ListsError, match="not over"):
        rules.decide(db.session, batch, decided_on=date(2026, 11, 20), now=NOW)
    _close(motion, passed=True)
    made = rules.decide(db.session, batch, decided_on=date(2026, 11, 20), now=NOW)
    db.session.commit()
    assert batch.status == BatchStatus.APPROVED
    assert [r.number for r in made] == [1, 2]
    assert all(p.status == ProjectStatus.APPROVED and p.resolution for p in batch.projects)
    tasks = db.session.scalars(sa.select(Task).order_by(Task.id)).all()
    assert [(t.unit_id, t.deadline, t.status) for t in tasks] == [
        (unit.id, date(2027, 3, 31), "assigned")
    ] * 2
    assert topic.status == TopicStatus.DECIDED and made[0].topics == [topic]
    second = rules.new_batch(db.session, body)
    assert second.number == 2


def test_a_failed_batch_is_rejected_without_resolutions(ctx):
    """A failed vote rejects the batch and its projects; no resolution is made."""
    body, convener, meeting, _ = sitting()
    batch = _batch_with_projects(body, make_unit(), n=1)
    motion = rules.put_to_vote(
        db.session, batch, meeting, title="t", heading="h", created_by_id=convener.id
    )
    _close(motion, passed=False)
    assert rules.decide(db.session, batch, decided_on=date(2026, 11, 20), now=NOW) == []
    assert batch.status == BatchStatus.REJECTED
    assert batch.projects[0].status == ProjectStatus.REJECTED
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Resolution)) == 0


def test_totals_per_batch_and_category_from_the_data(ctx):
    """190 万元 pledged across two batches, totals per batch and category add up exactly."""
    body, *_ = sitting()
    unit = make_unit()
    first, second = rules.new_batch(db.session, body), rules.new_batch(db.session, body)
    amounts = [
        (first, "设施", "1200000.00", "1200000.00"),
        (first, "环境卫生", "333333.33", "0"),
        (second, "设施", "366666.67", "366666.67"),
    ]
    projects = []
    for batch, category, pledged, delivered in amounts:
        project = make_project(body, make_need(body, category=category), unit, batch=batch)
        project.status = ProjectStatus.APPROVED
        item = rules.pledge(
            db.session, project, pledger="驻区单位", kind="funds", amount=Decimal(pledged), unit=""
        )
        rules.deliver(item, Decimal(delivered))
        projects.append(project)
    db.session.commit()
    whole = totals.of_projects(projects)
    assert whole.money_pledged == Decimal("1900000.00") and totals.wan(whole.money_pledged) == 190
    assert whole.delivered_projects == 2
    per_batch = totals.by_batch(projects)
    assert list(per_batch) == [1, 2]
    assert per_batch[1].money_pledged == Decimal("1533333.33")
    assert per_batch[1].money_delivered == Decimal("1200000.00")
    per_category = totals.by_category(projects)
    assert per_category["设施"].money_pledged == Decimal("1566666.67")
    assert per_category["设施"].delivered_projects == 2
    assert isinstance(whole.money_pledged, Decimal)


def test_amounts_are_written_for_people_without_exponents():
    """Money with two places and separators; quantities without needless zeros or exponents."""
    assert totals.yuan(Decimal("1900000")) == "1,900,000.00"
    assert totals.quantity(Decimal("20.00")) == "20"
    assert totals.quantity(Decimal("1.2E+6")) == "1,200,000"
    assert totals.quantity(Decimal("2.50")) == "2.5"


def test_fifty_conveners_opening_batches_get_1_to_50(app, ctx):
    """Batch numbers never repeat or skip, with 50 batches opened at the same instant."""
    import threading

    from app.models import Batch, Body

    body, *_ = sitting()
    body_id = body.id
    db.session.remove()
    start = threading.Barrier(50)
    errors = []

    def open_batch():
        try:
            with app.test_request_context("/", method="POST"):
                start.wait()
                rules.new_batch(db.session, db.session.get(Body, body_id))
                db.session.commit()
                db.session.remove()
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=open_batch) for _ in range(50)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors
    numbers = db.session.scalars(sa.select(Batch.number).where(Batch.body_id == body_id)).all()
    assert sorted(numbers) == list(range(1, 51))
