"""Test data for follow-up and the board: passed motions, resolutions, tasks, topics."""

import secrets
from datetime import date, datetime

import sqlalchemy as sa

from app.extensions import db
from app.models import AgendaItem, BodyUnit, Motion, Resolution, Task, Topic
from app.models.accounts import hash_token
from tests.factories import make_meeting

RESULT = {
    "passed": True,
    "quorum_met": True,
    "yes": "17",
    "no": "2",
    "abstain": "1",
    "base": "19",
    "ratio": "17/19",
    "failed": [],
    "blocs": {},
    "explanation": "赞成 17 票，超过半数，通过。",
}


def make_topic(body, status="on_agenda", token=None, **fields) -> tuple[Topic, str]:
    """A topic with a follow token (returned with it) and a phone that must stay hidden."""
    token = token or secrets.token_urlsafe(16)
    topic = Topic(
        body_id=body.id,
        receipt_no=f"T-{secrets.token_hex(4)}",
        follow_token_hash=hash_token(token),
        title=fields.pop("title", "路灯不亮"),
        description="晚上很黑",
        category="设施",
        submitter_name="刘阿姨",
        submitter_phone="13912345678",
        status=status,
        **fields,
    )
    db.session.add(topic)
    db.session.commit()
    return topic, token


def make_passed_motion(body, topic=None, passed=True, status="closed") -> Motion:
    """A closed motion with a frozen result, on an agenda item taking up ``topic``."""
    meeting = make_meeting(body, status="closed")
    item = AgendaItem(
        meeting_id=meeting.id,
        position=1,
        kind="decision",
        title="开放共享厕所",
        topic_id=topic.id if topic else None,
    )
    db.session.add(item)
    db.session.flush()
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意商户开放共享厕所",
        rule=body.default_rule,
        status=status,
        passed=passed,
        closed_at=datetime(2026, 9, 15, 8, 0),
        frozen={
            "rule": body.default_rule,
            "constituencies": [],
            "present": {},
            "votes": {},
            "result": {**RESULT, "passed": passed},
        },
    )
    db.session.add(motion)
    db.session.commit()
    return motion


def make_resolution(body, status="published", number=None, year=2026, motion=None, **fields):
    """A resolution of ``body`` (published unless told), numbered ``number`` or the next one."""
    number = number or (
        (
            db.session.scalar(
                sa.select(sa.func.max(Resolution.number)).where(
                    Resolution.body_id == body.id, Resolution.year == year
                )
            )
            or 0
        )
        + 1
    )
    resolution = Resolution(
        body_id=body.id,
        year=year,
        number=number,
        number_text=f"{body.short_name}〔{year}〕{number}号",
        title=fields.pop("title", f"决议{number}"),
        text=fields.pop("text", "决议内容"),
        decided_on=fields.pop("decided_on", date(year, 9, 15)),
        status=status,
        published_at=datetime(year, 9, 16, 2, 0) if status == "published" else None,
        motion_id=motion.id if motion else None,
        **fields,
    )
    db.session.add(resolution)
    db.session.commit()
    return resolution


def make_task(resolution, unit, status="assigned", **fields) -> Task:
    """A task of ``resolution`` for ``unit``."""
    task = Task(
        resolution_id=resolution.id,
        unit_id=unit.id,
        title=fields.pop("title", "开放厕所并挂牌"),
        done_definition="挂牌清楚",
        deadline=fields.pop("deadline", date(2026, 10, 15)),
        status=status,
        assigned_at=fields.pop("assigned_at", datetime(2026, 9, 17, 1, 0)),
        decline_reason=fields.pop("decline_reason", "不归我们管" if status == "declined" else ""),
        **fields,
    )
    db.session.add(task)
    db.session.commit()
    return task


def add_body_unit(body, unit) -> None:
    """Make ``unit`` one of the body's units (the 派单 and 改派 forms offer only these)."""
    db.session.add(BodyUnit(body_id=body.id, unit_id=unit.id))
    db.session.commit()
