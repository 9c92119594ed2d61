"""``flask seed-demo`` loads the demo once and never duplicates it."""

from collections import Counter

import sqlalchemy as sa

from app.extensions import db
from app.models import (
    AuditEvent,
    Ballot,
    Body,
    Constituency,
    Meeting,
    Motion,
    Resolution,
    Seat,
    Task,
    Topic,
    User,
)


def _counts():
    return {
        model.__name__: db.session.scalar(sa.select(sa.func.count()).select_from(model))
        for model in (Body, Seat, User, Topic, Motion, Ballot, Resolution, Task)
    }


def test_seed_demo_twice_duplicates_nothing(app, ctx):
    """The second run adds nothing and says so; the first loads the three bodies."""
    runner = app.test_cli_runner()
    first = runner.invoke(args=["seed-demo"])
    assert first.exit_code == 0, first.output
    assert "zhaojun" in first.output and "lianxi2026" in first.output
    after_first = _counts()
    second = runner.invoke(args=["seed-demo"])
    assert second.exit_code == 0 and "nothing duplicated" in second.output
    assert _counts() == after_first
    # 华兴街's two resolutions and the four projects of 斜塘's first approved batch
    assert after_first["Body"] == 3 and after_first["Resolution"] == 6


def test_seed_demo_matches_the_huaxing_case(app, ctx):
    """华兴街: 20 seats, merchants 8 (40%, a minimum quota), every seat held."""
    app.test_cli_runner().invoke(args=["seed-demo"])
    body = db.session.scalar(sa.select(Body).where(Body.slug == "huaxing"))
    seats = {c.name: c.seats for c in body.constituencies}
    assert seats == {"街区": 4, "社区": 8, "商户": 8}
    merchant = next(c for c in body.constituencies if c.name == "商户")
    assert merchant.share_is_minimum and merchant.share == "2/5"
    assert all(s.holder_id for c in body.constituencies for s in c.seat_list)


def test_demo_votes_are_frozen_by_the_engine(app, ctx):
    """The demo's closed motions carry the engine's frozen result, consistent with the ballots."""
    app.test_cli_runner().invoke(args=["seed-demo"])
    for motion in db.session.scalars(sa.select(Motion).where(Motion.status == "closed")):
        ballots = db.session.scalars(sa.select(Ballot).where(Ballot.motion_id == motion.id)).all()
        result = motion.frozen["result"]
        yes = sum(1 for b in ballots if b.choice == "yes")
        assert motion.status == "closed" and motion.passed is result["passed"]
        assert sum(v["yes"] for v in motion.frozen["votes"].values()) == yes


def test_seed_if_empty_skips_a_used_database(app, ctx):
    """``--if-empty`` leaves a database that already has a body alone."""
    runner = app.test_cli_runner()
    runner.invoke(args=["seed-demo"])
    result = runner.invoke(args=["seed-demo", "--if-empty"])
    assert "nothing to do" in result.output


def test_demo_has_a_meeting_in_session_to_try(app, ctx):
    """A newcomer finds today's meeting in session, its decision item current, a draft motion."""
    from app.models import Meeting

    app.test_cli_runner().invoke(args=["seed-demo"])
    meeting = db.session.scalar(sa.select(Meeting).where(Meeting.status == "in_session"))
    assert meeting.current_item.kind == "decision"
    assert meeting.current_item.topic.status == "on_agenda"
    assert [m.status for m in meeting.current_item.motions] == ["draft"]


def test_the_demo_history_is_in_the_audit_log(app, ctx, client):
    """Every step of the demo's past meeting, votes, resolutions, tasks and ratings is audited.

    ``flask audit verify`` passes on the fresh demo, and the closed meeting's minutes open for
    an anonymous visitor with the attendance by name.
    """
    runner = app.test_cli_runner()
    assert runner.invoke(args=["seed-demo"]).exit_code == 0
    verified = runner.invoke(args=["audit", "verify"])
    assert verified.exit_code == 0, verified.output
    actions = Counter(db.session.scalars(sa.select(AuditEvent.action)))
    ballots = db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))
    # 34 ballots at 华兴街's past meeting and 17 at 斜塘's vote on its first batch of projects
    assert actions["ballot.cast"] == ballots == 34 + 17
    assert actions["motion.closed"] == 3 and actions["resolution.published"] == 2
    assert actions["meeting.close"] == 1 and actions["meeting.checked_in"] == 17
    assert actions["task.assigned"] == 5 and actions["task.rated"] == 4
    assert actions["task.close"] == 1
    past = db.session.scalar(sa.select(Meeting).where(Meeting.status == "closed"))
    page = client.get(f"/meetings/{past.id}/minutes")
    assert page.status_code == 200
    # A seat of the past meeting's body (without the body and an order, PostgreSQL may answer
    # with another body's seat first).
    first_seat = sa.select(Seat).join(Seat.constituency).order_by(Seat.id)
    seat = db.session.scalars(first_seat.where(Constituency.body_id == past.body_id)).first()
    holder = seat.holder.name
    assert holder in page.text and "请假" in page.text and "记名表决：每个席位的投票" in page.text


def test_demo_holds_the_three_lists_and_the_points(app, ctx):
    """斜塘: two batches, 190 万元 pledged, 3 projects delivered; 华兴街: shops and balances."""
    from decimal import Decimal

    from app.lists import queries as lists_queries
    from app.lists import totals
    from app.models import Batch, LedgerEntry, PointsAccount, Shop
    from app.points import ledger

    app.test_cli_runner().invoke(args=["seed-demo"])
    xietang = db.session.scalar(sa.select(Body).where(Body.slug == "xietang"))
    batches = db.session.scalars(
        sa.select(Batch).where(Batch.body_id == xietang.id).order_by(Batch.number)
    ).all()
    assert [(b.number, b.status) for b in batches] == [(1, "approved"), (2, "open")]
    whole = totals.of_projects(lists_queries.projects(db.session, xietang))
    assert whole.money_pledged == Decimal("1900000.00") and whole.delivered_projects == 3
    huaxing = db.session.scalar(sa.select(Body).where(Body.slug == "huaxing"))
    assert db.session.scalar(sa.select(sa.func.count()).where(Shop.body_id == huaxing.id)) == 3
    accounts = db.session.scalars(sa.select(PointsAccount)).all()
    balances = sorted(ledger.balance(db.session, a.id) for a in accounts)
    assert balances == [Decimal("25.00"), Decimal("50.00"), Decimal("75.00")]
    assert all(b >= 0 for b in balances)
    reversals = sa.select(sa.func.count()).where(LedgerEntry.kind == "reversal")
    assert db.session.scalar(reversals) == 1
