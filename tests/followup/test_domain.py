"""The follow-up domain functions that touch the database, without a client."""

from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.followup import resolving, rules
from app.models import Rating, ResolutionCorrection, Task
from tests.followup.helpers import make_passed_motion, make_resolution, make_task, make_topic

NOW = datetime(2026, 10, 1, 2, 0)


def _assign(world, **fields):
    return rules.assign(
        db.session,
        world["resolution"],
        unit_id=world["unit"].id,
        title=" 挂牌 ",
        done_definition=" 挂好 ",
        deadline=date(2026, 10, 30),
        now=NOW,
        **fields,
    )


def test_assign_creates_an_assigned_task_with_its_clock_started(world):
    """派单: the task starts assigned, timed from now, its words trimmed."""
    task = _assign(world, assignee_id=world["staff"].id)
    db.session.commit()
    stored = db.session.get(Task, task.id)
    assert (stored.status, stored.assigned_at, stored.title, stored.done_definition) == (
        "assigned",
        NOW,
        "挂牌",
        "挂好",
    )
    assert stored.assignee_id == world["staff"].id and stored in world["resolution"].tasks


def test_assign_refuses_a_person_of_another_unit(world):
    """The person in charge must work for the chosen unit; nobody in particular (0) is fine."""
    with pytest.raises(rules.AssigneeError):
        _assign(world, assignee_id=world["other_staff"].id)
    assert _assign(world, assignee_id=0).assignee_id is None


def test_rate_stores_once_per_rater_and_round(world):
    """A second rating by the same member in the same round is not stored; a new round may."""
    task = make_task(world["resolution"], world["unit"], status="completed")
    member = world["members"][0]
    first = rules.rate(db.session, task, "basic", " 还行 ", now=NOW, user_id=member.id)
    assert first is not None and first.comment == "还行"
    assert rules.rate(db.session, task, "unsatisfied", now=NOW, user_id=member.id) is None
    task.round = 2
    assert rules.rate(db.session, task, "satisfied", now=NOW, user_id=member.id) is not None
    db.session.commit()
    rows = db.session.execute(sa.select(Rating.round, Rating.value).order_by(Rating.id)).all()
    assert rows == [(1, "basic"), (2, "satisfied")]


def test_rate_refuses_a_task_not_being_rated_and_unknown_values(world):
    """Only a completed task is rated, and only with 满意 / 基本满意 / 不满意."""
    running = make_task(world["resolution"], world["unit"], status="in_progress")
    with pytest.raises(rules.TaskError):
        rules.rate(db.session, running, "basic", now=NOW, user_id=world["members"][0].id)
    completed = make_task(world["resolution"], world["unit"], status="completed")
    with pytest.raises(ValueError):
        rules.rate(db.session, completed, "great", now=NOW, user_id=world["members"][0].id)


def test_proposal_takes_the_motion_text_title_date_and_topic(world):
    """A resolution proposed from a motion: its words, the local date it closed, its topic."""
    topic, _ = make_topic(world["body"])
    motion = make_passed_motion(world["body"], topic)
    motion.closed_at = datetime(2026, 9, 15, 17, 0)  # 01:00 on the 16th in Shanghai
    proposal = resolving.proposal(motion, "Asia/Shanghai")
    assert proposal == {
        "title": "开放共享厕所",
        "text": "同意商户开放共享厕所",
        "decided_on": date(2026, 9, 16),
        "topics": [topic.id],
    }


def test_correct_keeps_a_published_change_and_edits_a_draft_silently(world):
    """After publishing a correction is stored with its reason; a draft is simply edited."""
    published = world["resolution"]
    correction = resolving.correct(
        db.session, published, "title", "新标题", "写错了", actor_id=None, now=NOW
    )
    draft = make_resolution(world["body"], status="draft")
    assert resolving.correct(db.session, draft, "title", "草稿新标题", "", now=NOW) is None
    db.session.commit()
    stored = db.session.scalars(sa.select(ResolutionCorrection)).all()
    assert stored == [correction] and (correction.before, correction.after) == ("决议1", "新标题")
    assert published.title == "新标题" and draft.title == "草稿新标题"
    with pytest.raises(resolving.ResolutionError):
        resolving.correct(db.session, published, "text", "新内容", " ", now=NOW)


def test_task_predicates_filter_in_sql(world):
    """Task.is_open and Task.is_finished work in queries as they do on a task."""
    for status in ("assigned", "completed", "closed"):
        make_task(world["resolution"], world["unit"], status=status)
    open_ = db.session.scalars(sa.select(Task.status).where(Task.is_open).order_by(Task.id))
    running = db.session.scalars(sa.select(Task.status).where(~Task.is_finished))
    assert list(open_) == ["assigned", "completed"] and list(running) == ["assigned"]
