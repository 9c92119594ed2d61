"""Benchmark data, generated in bulk with SQL (INSERT … SELECT generate_series on PostgreSQL).

A body of 2,000 seats in three constituencies, 2,000 members with personal sign-in links whose
tokens the benchmark knows, a meeting in session with every seat checked in and an open
roll-call motion; a compound of 2,000 owners with their own voting codes and a decision
voting now; and a public board of published resolutions and their follow-up tasks.
Small things (bodies, the meeting, the motion) go through the ORM so they get the models'
defaults; anything counted in thousands is one SQL statement.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field
from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.models import (
    AgendaItem,
    Body,
    Building,
    Constituency,
    Convener,
    Meeting,
    Motion,
    OwnerDecision,
    ResponsibleUnit,
    User,
)
from app.models.accounts import hash_token
from app.models.owners import CODE_ALPHABET, hash_code

#: (key, name, seats, share) — the body of issue 9: 2,000 seats, weighted by quota.
CONSTITUENCIES = [
    ("merchants", "商户界别", 800, "2/5"),
    ("residents", "居民界别", 700, "7/20"),
    ("officials", "机关界别", 500, "1/4"),
]
QUOTA_MAJORITY = {"weighting": "quota", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}
BOARD_BODIES = [
    ("bench-huaxing", "华兴街三级党建联席会", "华兴街联席"),
    ("bench-xietang", "斜塘街道商圈联席会", "斜塘联席"),
    ("bench-jinhua", "锦华小区议事会", "锦华议事"),
    ("bench-laojie", "老街片区共建联席会", "老街联席"),
    ("bench-hebin", "河滨社区联席会", "河滨联席"),
]
YEARS = (2022, 2023, 2024, 2025, 2026)
UNITS = [
    ("jinhua-wuye", "锦华物业"),
    ("huaxing-baihuo", "华兴百货"),
    ("chengguan", "街道城管中队"),
    ("shequ", "河滨社区居委会"),
    ("jiaojing", "交警中队"),
    ("huanwei", "环卫所"),
    ("gongdian", "供电所"),
    ("shuiwu", "水务公司"),
]


@dataclass
class Room:
    """The voting room: who may sign in with which token, and what they vote on."""

    body_id: int
    meeting_id: int
    motion_id: int
    convener_token: str
    #: The room scenario's motion: a draft until the burst alone is over, then opened.
    room_motion_id: int = 0
    #: One personal sign-in token per member, and the seat each one holds, in the same order.
    member_tokens: list[str] = field(default_factory=list)
    seat_ids: list[int] = field(default_factory=list)


def token_for(prefix: str, number: int) -> str:
    """The sign-in token of member ``number``: a random per-run prefix and the number."""
    return f"{prefix}{number}"


def load_room(session: Session) -> Room:
    """The body of 2,000 seats, its members and links, the meeting in session and the motion."""
    now = clock.now()
    prefix = secrets.token_urlsafe(12) + "-"
    body = Body(slug="bench-huaxing", name=BOARD_BODIES[0][1], short_name=BOARD_BODIES[0][2])
    body.default_rule = dict(QUOTA_MAJORITY)
    for position, (key, name, seats, share) in enumerate(CONSTITUENCIES):
        body.constituencies.append(
            Constituency(key=key, name=name, seats=seats, share=share, position=position)
        )
    convener = User(name="召集人", username="bench-convener", created_at=now)
    session.add_all([body, convener])
    session.flush()
    session.add(Convener(body_id=body.id, user_id=convener.id))
    members = sum(seats for _, _, seats, _ in CONSTITUENCIES)
    session.execute(
        sa.text(
            "INSERT INTO users (name, username, is_admin, active, created_at) "
            "SELECT '成员' || g, 'bench-m' || g, false, true, :now "
            "FROM generate_series(1, :n) AS g"
        ),
        {"n": members, "now": now},
    )
    offset = 0
    for constituency in body.constituencies:
        session.execute(
            sa.text(
                "INSERT INTO seats (constituency_id, number, holder_id, represents) "
                "SELECT :cid, g, u.id, '' FROM generate_series(1, :n) AS g "
                "JOIN users AS u ON u.username = 'bench-m' || (g + :offset)"
            ),
            {"cid": constituency.id, "n": constituency.seats, "offset": offset},
        )
        offset += constituency.seats
    # The hash is SHA-256 of the token, as app.models.accounts.hash_token computes it.
    session.execute(
        sa.text(
            "INSERT INTO sign_in_links (user_id, token_hash, created_at, expires_at) "
            "SELECT u.id, encode(sha256(convert_to(:prefix || g, 'UTF8')), 'hex'), :now, :until "
            "FROM generate_series(1, :n) AS g JOIN users AS u ON u.username = 'bench-m' || g"
        ),
        {"prefix": prefix, "n": members, "now": now, "until": now + timedelta(days=30)},
    )
    convener_token = secrets.token_urlsafe(24)
    session.execute(
        sa.text(
            "INSERT INTO sign_in_links (user_id, token_hash, created_at, expires_at) "
            "VALUES (:uid, :hash, :now, :until)"
        ),
        {
            "uid": convener.id,
            "hash": hash_token(convener_token),
            "now": now,
            "until": now + timedelta(days=30),
        },
    )
    meeting = Meeting(
        body_id=body.id,
        title="第一次全体联席会议",
        starts_at=now - timedelta(minutes=30),
        status="in_session",
        published_at=now - timedelta(days=5),
        opened_at=now - timedelta(minutes=30),
        checkin_token=secrets.token_urlsafe(16),
    )
    session.add(meeting)
    session.flush()
    item = AgendaItem(
        meeting_id=meeting.id, position=1, kind="decision", title="华兴街共享厕所行动"
    )
    session.add(item)
    session.flush()
    meeting.current_item_id = item.id
    motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意华兴街商户共享厕所行动方案。",
        kind="roll_call",
        rule=dict(QUOTA_MAJORITY),
        status="open",
        created_by_id=convener.id,
        opened_at=now - timedelta(minutes=1),
    )
    session.add(motion)
    # The room scenario's vote on the same item, opened once the burst alone is over.
    room_motion = Motion(
        meeting_id=meeting.id,
        agenda_item_id=item.id,
        text="同意华兴街共享厕所的开放时间表。",
        kind="roll_call",
        rule=dict(QUOTA_MAJORITY),
        status="draft",
        created_by_id=convener.id,
    )
    session.add(room_motion)
    session.flush()
    session.execute(
        sa.text(
            "INSERT INTO attendances (meeting_id, seat_id, user_id, method, checked_in_at) "
            "SELECT :meeting, s.id, s.holder_id, 'link', :now FROM seats AS s "
            "JOIN constituencies AS c ON c.id = s.constituency_id WHERE c.body_id = :body"
        ),
        {"meeting": meeting.id, "body": body.id, "now": now - timedelta(minutes=20)},
    )
    assert hash_token(token_for(prefix, 1)) == session.scalar(
        sa.text("SELECT encode(sha256(convert_to(:t, 'UTF8')), 'hex')"),
        {"t": token_for(prefix, 1)},
    )
    seat_of = dict(
        session.execute(
            sa.text(
                "SELECT u.username, s.id FROM seats AS s JOIN users AS u ON u.id = s.holder_id "
                "JOIN constituencies AS c ON c.id = s.constituency_id WHERE c.body_id = :body"
            ),
            {"body": body.id},
        ).all()
    )
    return Room(
        body_id=body.id,
        meeting_id=meeting.id,
        motion_id=motion.id,
        convener_token=convener_token,
        room_motion_id=room_motion.id,
        member_tokens=[token_for(prefix, n) for n in range(1, members + 1)],
        seat_ids=[seat_of[f"bench-m{n}"] for n in range(1, members + 1)],
    )


def open_room_motion(session: Session, room: Room) -> None:
    """Cancel the burst's vote and open the room's: the scenario starts from a fresh vote."""
    session.execute(
        sa.text(
            "UPDATE motions SET status = 'cancelled', cancel_reason = 'bench: next vote' "
            "WHERE id = :id"
        ),
        {"id": room.motion_id},
    )
    session.execute(
        sa.text("UPDATE motions SET status = 'open', opened_at = :now WHERE id = :id"),
        {"id": room.room_motion_id, "now": clock.now()},
    )
    session.commit()


def load_board_owners(session: Session) -> None:
    """The other bodies of the board and the responsible units that take on tasks."""
    existing = set(session.scalars(sa.select(Body.slug)))
    for slug, name, short_name in BOARD_BODIES:
        if slug not in existing:
            session.add(Body(slug=slug, name=name, short_name=short_name))
    for slug, name in UNITS:
        session.add(ResponsibleUnit(slug=slug, name=name))
    session.flush()


def load_board(session: Session, resolutions: int, tasks_each: int = 3) -> tuple[int, int]:
    """Published resolutions spread over the bodies and years, and ``tasks_each`` tasks apiece.

    Numbers are given out body by body and year by year in turn, so even a small board has
    resolutions in every body and year (a filtered page finds some). Tasks go round the units
    and through every state, with deadlines before and after today (so some are overdue).
    Returns (resolutions, tasks) now in the tables.
    """
    session.execute(sa.text("TRUNCATE tasks, resolutions RESTART IDENTITY CASCADE"))
    bodies = session.scalars(
        sa.select(Body.id).where(Body.slug.in_([slug for slug, _, _ in BOARD_BODIES]))
    ).all()
    per_group = -(-resolutions // (len(bodies) * len(YEARS)))
    now = clock.now()
    session.execute(
        sa.text(
            "INSERT INTO resolutions (body_id, year, number, number_text, title, text, "
            "decided_on, status, published_at, created_at) "
            "SELECT b.id, y, n, b.short_name || '〔' || y || '〕' || n || '号', "
            "(ARRAY['共享厕所行动', '免费充电点', '夜间停车管理', '垃圾分类督导', "
            "'老旧楼道照明', '商户外摆规范'])[1 + (n % 6)] || '（第' || n || '号）', "
            "'经联席会议表决通过，由承办单位按期办理并接受评单。', "
            "make_date(y, 1, 1) + (n % 360), 'published', "
            "make_date(y, 1, 1) + (n % 360) + 1 + (n % 3) * interval '1 hour', :now "
            "FROM bodies AS b CROSS JOIN unnest(CAST(:years AS int[])) AS y "
            "CROSS JOIN generate_series(1, :per) AS n WHERE b.id = ANY(:bodies) "
            "ORDER BY n, y, b.id LIMIT :total"
        ),
        {
            "years": list(YEARS),
            "per": per_group,
            "bodies": list(bodies),
            "total": resolutions,
            "now": now,
        },
    )
    units = session.scalars(sa.select(ResponsibleUnit.id).order_by(ResponsibleUnit.id)).all()
    session.execute(
        sa.text(
            "INSERT INTO tasks (resolution_id, unit_id, title, description, done_definition, "
            "deadline, status, round, assigned_at, accepted_at, completed_at, closed_at, "
            "completion_report, decline_reason, updated_at) "
            "SELECT r.id, (CAST(:units AS int[]))[1 + (r.id * 3 + k) % :nunits], "
            "'落实' || r.title || '（' || (k + 1) || '）', '', '按决议办结。', "
            "r.decided_on + 30 + (r.id * 7 + k * 11) % 200, s.status, 1, "
            "r.published_at, "
            "CASE WHEN s.status IN ('accepted','in_progress','completed','closed') "
            "THEN r.published_at + interval '1 day' END, "
            "CASE WHEN s.status IN ('completed','closed') THEN r.published_at + interval '20 days' "
            "END, "
            "CASE WHEN s.status = 'closed' THEN r.published_at + interval '30 days' END, "
            "CASE WHEN s.status IN ('completed','closed') THEN '已按期办结。' ELSE '' END, "
            "CASE WHEN s.status = 'declined' THEN '不属于本单位职责' ELSE '' END, :now "
            "FROM resolutions AS r CROSS JOIN generate_series(0, :each - 1) AS k "
            "CROSS JOIN LATERAL (SELECT (ARRAY['assigned','accepted','declined','in_progress',"
            "'completed','closed','closed','in_progress'])[1 + (r.id + k * 5) % 8] AS status) AS s"
        ),
        {"units": list(units), "nunits": len(units), "each": tasks_each, "now": now},
    )
    return (
        session.scalar(sa.text("SELECT count(*) FROM resolutions")),
        session.scalar(sa.text("SELECT count(*) FROM tasks")),
    )


@dataclass
class Compound:
    """The owners' vote of the bench: 2,000 owners, each with their own code, one decision."""

    decision_id: int
    codes: list[str] = field(default_factory=list)


def load_compound(session: Session, owners: int = 2000) -> Compound:
    """A compound of ``owners`` units (one owner and one contact each) and a decision voting now.

    Codes are hashed as app.models.owners.hash_code does: SHA-256 of the upper-case code.
    """
    now = clock.now()
    prefix = "".join(secrets.choice(CODE_ALPHABET) for _ in range(6))
    body = Body(slug="bench-jinxiu", name="锦绣小区", short_name="锦绣")
    session.add(body)
    session.flush()
    building = Building(body_id=body.id, name="1")
    session.add(building)
    session.flush()
    session.execute(
        sa.text(
            "INSERT INTO owners (body_id, key, name, kind) "
            "SELECT :body, 'unit:1-' || g, '业主' || g, 'person' FROM generate_series(1, :n) AS g"
        ),
        {"body": body.id, "n": owners},
    )
    session.execute(
        sa.text(
            "INSERT INTO units (body_id, building_id, code, area, area_source, owner_id) "
            "SELECT :body, :building, '1-' || g, 80 + (g % 50), 'register', o.id "
            "FROM generate_series(1, :n) AS g JOIN owners AS o "
            "ON o.body_id = :body AND o.key = 'unit:1-' || g"
        ),
        {"body": body.id, "building": building.id, "n": owners},
    )
    session.execute(
        sa.text(
            "INSERT INTO owner_contacts (owner_id, name, phone, code_hash, code_issued_at) "
            "SELECT o.id, o.name, '', encode(sha256(convert_to(:prefix || g, 'UTF8')), 'hex'), "
            ":now FROM generate_series(1, :n) AS g JOIN owners AS o "
            "ON o.body_id = :body AND o.key = 'unit:1-' || g"
        ),
        {"body": body.id, "n": owners, "prefix": prefix, "now": now},
    )
    decision = OwnerDecision(
        body_id=body.id,
        title="3号楼电梯更新",
        text="更换电梯。",
        item=7,
        matter="major",
        announced_at=now - timedelta(days=20),
        opens_at=now - timedelta(days=1),
        closes_at=now + timedelta(days=6),
    )
    session.add(decision)
    session.flush()
    assert hash_code(f"{prefix}1") == session.scalar(
        sa.text("SELECT encode(sha256(convert_to(:t, 'UTF8')), 'hex')"), {"t": f"{prefix}1"}
    )
    return Compound(decision.id, [f"{prefix}{n}" for n in range(1, owners + 1)])
