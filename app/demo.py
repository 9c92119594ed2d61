"""Demo data a newcomer lands in: three real kinds of joint meeting from docs/domain.md.

``seed(session)`` is idempotent: it looks each thing up by its natural key and only adds what is
missing, so running ``flask seed-demo`` twice duplicates nothing.
"""

from __future__ import annotations

import functools
import secrets
from datetime import date, datetime, timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session
from werkzeug.security import generate_password_hash

from app import audit, clock
from app.followup import resolving
from app.followup import rules as followup_rules
from app.lists import rules as lists_rules
from app.meetings import presence
from app.meetings import rules as meeting_rules
from app.models import (
    AgendaItem,
    Body,
    BodyUnit,
    Constituency,
    Convener,
    Meeting,
    Motion,
    Need,
    PointsScheme,
    Project,
    Resource,
    ResponsibleUnit,
    Seat,
    Second,
    Topic,
    TopicEvent,
    UnitStaff,
    User,
)
from app.models.accounts import hash_token
from app.owners import demo as owners_demo
from app.points import ledger
from app.topics import rules as topic_rules
from app.topics.submission import new_follow_token, receipt_number
from app.voting import ballots
from app.voting import record as vote_record
from app.voting import rules as voting_rules

DEMO_PASSWORD = "lianxi2026"

SIGN_IN_HINTS = [
    ("管理员 administrator", "admin"),
    ("华兴街召集人 convener", "zhaojun  (或手机 13900000001)"),
    ("斜塘召集人 convener", "qianhong"),
    ("小区议事会召集人 convener", "sunli"),
    ("华兴街商户代表 member", "13910000213"),
    ("锦华物业 unit staff", "zhoumin"),
    ("锦绣小区 3号楼业主 owner", f"/o/{owners_demo.DEMO_CODE}  (无需账号 no account)"),
    ("华兴百货 unit staff", "wugang"),
]

MAJORITY_QUOTA = {
    "weighting": "quota",
    "base": "cast",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}
SIMPLE_MAJORITY = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}
DOUBLE_MAJORITY = {
    "weighting": "seat",
    "base": "present",
    "threshold": {"op": ">", "value": "1/2"},
    "quorum": {"op": ">", "value": "1/2"},
}

BODIES = [
    {
        "slug": "huaxing",
        "name": "华兴街三级党建联席会",
        "short_name": "华兴街联席",
        "description": (
            "街区-社区-商圈三级党建联席会议。商户代表占 40% 席位，小商户不被大单位压过。"
        ),
        "rule": MAJORITY_QUOTA,
        "seconds_needed": 3,
        "constituencies": [
            ("jiequ", "街区", 4, "1/5", False),
            ("shequ", "社区", 8, "2/5", False),
            ("shanghu", "商户", 8, "2/5", True),
        ],
        "convener": ("zhaojun", "赵军", "13900000001"),
        "phone_prefix": "139100002",
    },
    {
        "slug": "xietang",
        "name": "斜塘街道“1+3+N”联席会议",
        "short_name": "斜塘联席",
        "description": (
            "1 个社区党组织 + 业委会、物业、居民 3 方 + 代表、企业、高校、社会组织 N 方。"
        ),
        "rule": SIMPLE_MAJORITY,
        "seconds_needed": 2,
        "constituencies": [
            ("dangzuzhi", "社区党组织", 3, None, False),
            ("yeweihui", "业委会", 3, None, False),
            ("wuye", "物业", 2, None, False),
            ("jumin", "居民代表", 5, None, False),
            ("n", "N方代表", 4, None, False),
        ],
        "convener": ("qianhong", "钱红", "13900000002"),
        "phone_prefix": "139100003",
    },
    {
        "slug": "xiaoqu",
        "name": "锦绣小区党群协商议事会",
        "short_name": "锦绣议事会",
        "description": "支部提议、多方商议、业主决议。",
        "rule": DOUBLE_MAJORITY,
        "seconds_needed": 2,
        "constituencies": [
            ("zhibu", "党支部", 2, None, False),
            ("yeweihui", "业委会", 3, None, False),
            ("wuye", "物业", 2, None, False),
            ("yezhu", "居民代表", 6, None, False),
        ],
        "convener": ("sunli", "孙丽", "13900000003"),
        "phone_prefix": "139100004",
    },
]

SURNAMES = "王李张刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建国", "秀英", "志强", "桂兰", "海燕", "伟", "芳", "明", "丽华", "国平", "玉兰", "德福"]
MERCHANTS = [
    "老字号茶铺",
    "华兴百货",
    "张记面馆",
    "川味火锅",
    "便民药房",
    "花间书店",
    "阿婆凉粉",
    "好邻居超市",
]

UNITS = [
    (
        "jinhua-wuye",
        "锦华物业",
        "华兴街和锦绣小区的物业服务企业",
        ("zhoumin", "周敏", "13900000011"),
    ),
    ("huaxing-baihuo", "华兴百货", "华兴街的大型百货商场", ("wugang", "吴刚", "13900000012")),
]

TOPICS = [
    # (body, receipt suffix, title, description, category, location, name, phone, status, note)
    (
        "huaxing",
        1,
        "商户免费开放厕所给游客和居民",
        "华兴街游客多，公共厕所少。建议有条件的商户开放厕所，门口挂牌，方便老人和游客。",
        "商户经营",
        "华兴街中段",
        "刘阿姨",
        "13700000001",
        "accepted",
        "",
    ),
    (
        "huaxing",
        2,
        "增设免费手机充电点",
        "很多老人出门手机没电，扫码付款、看健康码都不方便。希望商户能提供免费充电。",
        "设施",
        "华兴街全段",
        "陈先生",
        "13700000002",
        "accepted",
        "",
    ),
    (
        "huaxing",
        3,
        "晚上垃圾清运不及时",
        "晚上九点以后餐饮店的垃圾堆在路边，第二天早上才收，味道大，还招老鼠。",
        "环境卫生",
        "华兴街与红星路口",
        "",
        "",
        "accepted",
        "",
    ),
    (
        "huaxing",
        4,
        "志愿服务积分能在商户打折",
        "建议志愿者的服务积分可以在参与的商户兑换折扣，鼓励更多人参加志愿服务。",
        "商户经营",
        "",
        "黄同学",
        "",
        "submitted",
        "",
    ),
    (
        "huaxing",
        5,
        "夜间外摆噪音扰民",
        "有烧烤店外摆到凌晨，楼上居民睡不好。",
        "其他",
        "华兴街北段",
        "",
        "13700000005",
        "declined",
        "街道城管中队已在处理外摆整治，本会不重复立项。",
    ),
    (
        "xietang",
        1,
        "小区电动车充电桩不够",
        "电动车多，充电桩少，有人从楼上拉电线充电，很危险。",
        "安全",
        "斜塘三区",
        "郭师傅",
        "13700000011",
        "submitted",
        "",
    ),
    (
        "xiaoqu",
        1,
        "地下车库灯光太暗",
        "车库好几盏灯坏了，老人晚上取车看不清，容易摔倒。",
        "设施",
        "锦绣小区地下车库",
        "林奶奶",
        "",
        "accepted",
        "",
    ),
]


def _get_or_add(session: Session, model, defaults: dict | None = None, **key):
    """Find a row by its natural key, or add it with ``defaults``; return (row, created)."""
    row = session.scalar(sa.select(model).filter_by(**key))
    if row is not None:
        return row, False
    row = model(**key, **(defaults or {}))
    session.add(row)
    session.flush()
    return row, True


@functools.cache
def _demo_password_hash() -> str:
    """One hash of the shared demo password: hashing is slow on purpose, sixty times is slow."""
    return generate_password_hash(DEMO_PASSWORD)


def _person(session: Session, username: str | None, name: str, phone: str | None) -> User:
    key = {"username": username} if username else {"phone": phone}
    user, created = _get_or_add(session, User, {"name": name}, **key)
    if created:
        user.phone = phone
        user.password_hash = _demo_password_hash()
    return user


def seed(session: Session) -> bool:
    """Add whatever part of the demo is missing; return whether anything was added."""
    if session.scalar(sa.select(Body).where(Body.slug == "huaxing")):
        return False
    admin = _person(session, "admin", "管理员", None)
    admin.is_admin = True
    bodies = {spec["slug"]: _body(session, spec) for spec in BODIES}
    units = {}
    for slug, name, description, (username, staff_name, phone) in UNITS:
        unit, _ = _get_or_add(
            session, ResponsibleUnit, {"name": name, "description": description}, slug=slug
        )
        staff = _person(session, username, staff_name, phone)
        _get_or_add(session, UnitStaff, unit_id=unit.id, user_id=staff.id)
        units[slug] = unit
        _get_or_add(session, BodyUnit, body_id=bodies["huaxing"].id, unit_id=unit.id)
    topics = {(t[0], t[1]): _topic(session, bodies[t[0]], t) for t in TOPICS}
    _past_meeting(session, bodies["huaxing"], topics, units)
    _meeting_in_session(session, bodies["huaxing"], topics)
    owners_demo.seed_compound(session, bodies["xiaoqu"])
    _xietang_lists(session, bodies["xietang"])
    _huaxing_points(session, bodies["huaxing"])
    return True


def _body(session: Session, spec: dict) -> Body:
    body, _ = _get_or_add(
        session,
        Body,
        {
            "name": spec["name"],
            "short_name": spec["short_name"],
            "description": spec["description"],
            "default_rule": spec["rule"],
            "seconds_needed": spec["seconds_needed"],
        },
        slug=spec["slug"],
    )
    username, name, phone = spec["convener"]
    convener = _person(session, username, name, phone)
    _get_or_add(session, Convener, body_id=body.id, user_id=convener.id)
    member_no = 0
    for position, (key, cname, seats, share, minimum) in enumerate(spec["constituencies"]):
        constituency, _ = _get_or_add(
            session,
            Constituency,
            {
                "name": cname,
                "seats": seats,
                "share": share,
                "share_is_minimum": minimum,
                "position": position,
            },
            body_id=body.id,
            key=key,
        )
        for number in range(1, seats + 1):
            member_no += 1
            phone = f"{spec['phone_prefix']}{member_no:02d}"
            name = (
                SURNAMES[(member_no * 7 + position) % len(SURNAMES)] + GIVEN[member_no % len(GIVEN)]
            )
            holder = _person(session, None, name, phone)
            represents = MERCHANTS[number - 1] if key == "shanghu" else ""
            _get_or_add(
                session,
                Seat,
                {"holder_id": holder.id, "represents": represents},
                constituency_id=constituency.id,
                number=number,
            )
    return body


#: Topics that members have seconded (附议), and by how many of them.
SECONDED = {("huaxing", 4): 3}


def _topic(session: Session, body: Body, spec: tuple) -> Topic:
    _, suffix, title, description, category, location, name, phone, status, note = spec
    created_at = datetime(2026, 8, 1, 2, 0) + timedelta(days=suffix * 3)
    topic, created = _get_or_add(
        session,
        Topic,
        {
            "body_id": body.id,
            "follow_token_hash": hash_token(new_follow_token()),
            "title": title,
            "description": description,
            "category": category,
            "location": location,
            "submitter_name": name,
            "submitter_phone": phone,
            "status": status,
            "decline_reason": "already_handled" if status == "declined" else "",
            "decline_note": note,
            "created_at": created_at,
        },
        receipt_no=receipt_number(body.slug, 2026, suffix),
    )
    if created:
        session.add(TopicEvent(topic_id=topic.id, to_status="submitted", created_at=created_at))
        if status != "submitted":
            session.add(
                TopicEvent(
                    topic_id=topic.id,
                    from_status="submitted",
                    to_status=status,
                    note=note,
                    created_at=created_at + timedelta(days=1),
                )
            )
        # Members second one open topic up to the body's threshold: it shows as ready in triage.
        if (body.slug, suffix) in SECONDED:
            seats = _seats_of(session, body)[: SECONDED[(body.slug, suffix)]]
            for seat in seats:
                session.add(Second(topic_id=topic.id, user_id=seat.holder_id))
            topic.seconds_count = len(seats)
    return topic


def _seats_of(session: Session, body: Body) -> list[Seat]:
    return list(
        session.scalars(
            sa.select(Seat)
            .join(Constituency)
            .where(Constituency.body_id == body.id)
            .order_by(Constituency.position, Seat.number)
        )
    )


def _past_meeting(session: Session, body: Body, topics: dict, units: dict) -> None:
    """The 2026 third-quarter meeting of 华兴街: two decisions, two resolutions, five tasks.

    Built step by step through the same domain functions as the web pages, each step audited
    as the pages audit it, so the demo's history is in the audit log (``flask audit verify``).
    """
    title = "2026年第三季度联席会议"
    if session.scalar(sa.select(Meeting).where(Meeting.body_id == body.id, Meeting.title == title)):
        return
    convener = session.scalar(sa.select(User).where(User.username == "zhaojun"))
    starts = datetime(2026, 9, 15, 6, 30)  # 14:30 in Chengdu
    meeting = meeting_rules.new_meeting(
        body.id,
        title=title,
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="华兴街党群服务中心二楼会议室",
        chair="赵军",
        recorder="王晓燕",
    )
    meeting.created_at = starts - timedelta(days=10)
    session.add(meeting)
    session.flush()
    audit.record("meeting.created", meeting, actor=convener, after=meeting_rules.summary(meeting))
    items = [
        ("information", "上季度督办事项进展通报", None, "赵军"),
        ("decision", "商户开放共享厕所", topics[("huaxing", 1)], "刘阿姨（提议人）"),
        ("decision", "增设免费手机充电点", topics[("huaxing", 2)], "商户代表"),
    ]
    agenda = [_agenda_item(session, meeting, convener, *spec) for spec in items]
    _step(meeting, "publish", starts - timedelta(days=5), convener)
    _step(meeting, "start", starts, convener)

    seats = _seats_of(session, body)
    absent = [seats[3], seats[11], seats[19]]  # one seat of each constituency missed it
    present = [s for s in seats if s not in absent]
    for seat in present:
        (attendance,) = presence.check_in(session, meeting, [seat], seat.holder_id, "qr")
        attendance.checked_in_at = starts - timedelta(minutes=10)
        after = {"seats": [seat.id], "method": "qr"}
        audit.record("meeting.checked_in", meeting, actor=seat.holder, after=after)
    presence.set_leave(session, meeting, absent[0], on_leave=True, set_by_id=convener.id)
    after = {"seat_id": absent[0].id, "on_leave": True}
    audit.record("meeting.leave", meeting, actor=convener, after=after)

    # Choices per present seat, in seat order: mostly yes, a few against, one abstention.
    toilets = ["yes"] * 17
    toilets[2], toilets[9], toilets[15] = "no", "abstain", "no"
    charging = ["yes"] * 17
    charging[5] = "no"
    notes = {
        agenda[0]: "赵军通报上季度督办事项：5 项中 4 项已办结。",
        agenda[1]: "刘阿姨介绍游客如厕难；华兴百货表示愿意带头开放，并与小商户结对。",
        agenda[2]: "商户代表提出优先在老年人常去的商户设充电点。",
    }
    resolutions = []
    for item, choices, res_title, text in [
        (
            agenda[1],
            toilets,
            "华兴街商户共享厕所行动",
            "沿街有条件的商户自愿向游客和居民免费开放厕所，统一挂“共享厕所”牌；"
            "华兴百货作为大单位带头，并与小商户结对。",
        ),
        (
            agenda[2],
            charging,
            "华兴街免费手机充电点",
            "在华兴街设立不少于 10 个免费手机充电点，优先设在老年人常去的商户。",
        ),
    ]:
        motion = _counted_motion(session, body, meeting, item, present, choices, convener)
        resolution = resolving.create_from_motion(
            session,
            motion,
            title=res_title,
            text=text,
            decided_on=date(2026, 9, 15),
            topics=[item.topic],
            actor=convener,
        )
        session.flush()
        after = {"number": resolution.number_text}
        audit.record("resolution.created", resolution, actor=convener, after=after)
        resolving.publish(resolution, now=starts + timedelta(days=1))
        audit.record("resolution.published", resolution, actor=convener)
        resolutions.append(resolution)
    for item, text in notes.items():
        meeting_rules.keep_notes(meeting, item, text)
        after = {"item_id": item.id, "notes": text}
        audit.record("agenda.notes", meeting, actor=convener, after=after)
    _step(meeting, "close", starts + timedelta(hours=2), convener)
    _tasks(session, resolutions, units, body, convener)


def _step(meeting: Meeting, action: str, at: datetime, convener: User) -> None:
    """Publish, start or close the meeting at ``at``, audited as the convener's room does."""
    before = meeting.status
    meeting_rules.transition(meeting, action, at)
    audit.record(f"meeting.{action}", meeting, actor=convener, before=before, after=meeting.status)


def _agenda_item(session, meeting, convener, kind, title, topic, presenter) -> AgendaItem:
    """Add an agenda item (from a topic, which then goes on the agenda), audited."""
    item = meeting_rules.add_item(
        meeting, kind=kind, title=title, presenter=presenter, topic=topic, minutes_allotted=20
    )
    session.flush()
    if topic is not None:
        topic_rules.move(topic, "on_agenda", actor=convener, note=meeting.title)
        audit.record("topic.on_agenda", topic, actor=convener, after=topic_rules.audit_state(topic))
    after = {"item_id": item.id, "title": item.title, "public": meeting.agenda_is_public}
    audit.record("agenda.item_added", meeting, actor=convener, after=after)
    return item


def _meeting_in_session(session: Session, body: Body, topics: dict) -> None:
    """Today's meeting of 华兴街, already in session, so a newcomer can check in and vote.

    Its first items look back at the previous meeting; its decision item takes up the accepted
    topic about night-time rubbish, and the motion waits as a draft for the convener to open it.
    """
    title = "2026年第四季度联席会议"
    if session.scalar(sa.select(Meeting).where(Meeting.body_id == body.id, Meeting.title == title)):
        return
    convener = session.scalar(sa.select(User).where(User.username == "zhaojun"))
    now = clock.now().replace(second=0, microsecond=0)
    meeting = meeting_rules.new_meeting(
        body.id,
        title=title,
        starts_at=now,
        ends_at=now + timedelta(hours=2),
        place="华兴街党群服务中心二楼会议室",
        chair="赵军",
        recorder="王晓燕",
    )
    session.add(meeting)
    session.flush()
    audit.record("meeting.created", meeting, actor=convener, after=meeting_rules.summary(meeting))
    _agenda_item(
        session, meeting, convener, "information", "第三季度决议办理情况通报", None, "赵军"
    )
    decision = _agenda_item(
        session, meeting, convener, "decision", "夜间垃圾清运", topics[("huaxing", 3)], "锦华物业"
    )
    decision.minutes_allotted = 30
    decision.description = "餐饮店夜间垃圾堆放路边，居民反映强烈。"
    _step(meeting, "publish", now - timedelta(days=5), convener)
    _step(meeting, "start", now, convener)
    meeting_rules.set_current_item(meeting, decision)
    audit.record("meeting.current_item", meeting, actor=convener, after={"item_id": decision.id})
    motion = voting_rules.create_motion(
        session,
        decision,
        text=(
            "餐饮店垃圾每晚 21:00 和 23:00 各清运一次，由锦华物业负责，商户按时把垃圾放到指定点位。"
        ),
        kind="roll_call",
        rule=dict(body.default_rule),
        created_by_id=convener.id,
    )
    session.flush()
    audit.record("motion.created", motion, actor=convener, after=voting_rules.summary(motion))


def _counted_motion(session, body, meeting, item, present_seats, choices, convener) -> Motion:
    """A roll-call motion made, opened, voted seat by seat and closed, as on the web pages."""
    opened = meeting.opened_at + timedelta(minutes=30 * item.position)
    motion = voting_rules.create_motion(
        session,
        item,
        text=item.title,
        kind="roll_call",
        rule=dict(body.default_rule),
        created_by_id=convener.id,
    )
    motion.created_at = opened
    session.flush()
    audit.record("motion.created", motion, actor=convener, after=voting_rules.summary(motion))
    ballots.open_motion(session, motion, opened)
    audit.record("motion.opened", motion, actor=convener, after=voting_rules.summary(motion))
    for seat, choice in zip(present_seats, choices, strict=True):
        ballot = ballots.cast(session, motion, seat, choice, seat.holder_id, opened)
        after = {"motion_id": motion.id, "seat_id": seat.id, "choice": ballot.choice}
        audit.record("ballot.cast", ballot, actor=seat.holder, after=after)
    frozen = vote_record.close(session, motion, opened + timedelta(minutes=10), "zh")
    audit.record("motion.closed", motion, actor=convener, after=frozen)
    return motion


def _tasks(session, resolutions, units, body, convener) -> None:
    """Tasks in several states: closed and rated, completed, in progress, accepted, assigned.

    Each moves through the follow-up rules (派单 → 接单 → 办理中 → 办结 → 评单 → 销号), by the
    unit's staff or the convener, audited as the task pages audit it.
    """
    baihuo, wuye = units["huaxing-baihuo"], units["jinhua-wuye"]
    toilets, charging = resolutions
    assigned = datetime(2026, 9, 17, 1, 0)
    specs = [
        (toilets, baihuo, "华兴百货一楼开放共享厕所并挂牌", date(2026, 10, 15), "closed"),
        (toilets, wuye, "组织沿街商户报名开放厕所，统一制作挂牌", date(2026, 10, 31), "completed"),
        (charging, baihuo, "在百货服务台设 4 个免费充电点", date(2026, 11, 30), "in_progress"),
        (charging, wuye, "在小商户门口加装 6 个充电点的电源", date(2026, 11, 10), "accepted"),
        (charging, wuye, "编印“充电点地图”张贴在街口", date(2026, 12, 20), "assigned"),
    ]
    members = [s.holder for s in _seats_of(session, body)][:4]
    for resolution, unit, title, deadline, status in specs:
        staff = session.scalar(
            sa.select(User)
            .join(UnitStaff, UnitStaff.user_id == User.id)
            .where(UnitStaff.unit_id == unit.id)
        )
        task = followup_rules.assign(
            session,
            resolution,
            unit_id=unit.id,
            title=title,
            done_definition="现场可用、挂牌清楚，经成员查看确认。",
            deadline=deadline,
            now=assigned,
        )
        session.flush()
        audit.record("task.assigned", task, actor=convener, after={"unit_id": unit.id})
        if status == "assigned":
            continue
        followup_rules.accept(
            task, actor_id=staff.id, now=assigned + timedelta(days=1), note="已接单，安排专人负责。"
        )
        audit.record("task.accepted", task, actor=staff)
        if status == "accepted":
            continue
        followup_rules.progress(
            task, "已完成现场勘查，正在采购。", actor_id=staff.id, now=assigned + timedelta(days=7)
        )
        audit.record("task.progress", task, actor=staff, after={"status": task.status})
        if status == "in_progress":
            continue
        if followup_rules.needs_contact(task):
            contacted = assigned + timedelta(days=2)
            followup_rules.contact(
                task,
                "phone",
                "电话联系提议人，说明办理方案。",
                contacted_at=contacted,
                actor_id=staff.id,
                now=contacted,
            )
            audit.record("task.contact", task, actor=staff, after={"method": "phone"})
        report = "已按要求完成，挂牌上墙，现场照片见进展。"
        followup_rules.complete(task, report, actor_id=staff.id, now=datetime(2026, 10, 12, 8, 0))
        audit.record("task.complete", task, actor=staff, after={"status": task.status})
        if status == "completed":
            continue
        values = ["satisfied", "satisfied", "basic", "satisfied"]
        for member, value in zip(members, values, strict=True):
            rating = followup_rules.rate(
                session, task, value, now=datetime(2026, 10, 15, 2, 0), user_id=member.id
            )
            after = {"task_id": task.id, "round": rating.round, "value": value}
            audit.record("task.rated", rating, actor=member, after=after)
        followup_rules.close(
            task,
            actor_id=convener.id,
            now=datetime(2026, 10, 20, 2, 0),
            note="评单满意，予以销号。",
        )
        after = {"status": task.status, "round": task.round, "deadline": task.deadline.isoformat()}
        audit.record("task.close", task, actor=convener, after=after)


#: Units of 斜塘 that lead projects (issue 21).
XIETANG_UNITS = [
    ("xietang-jiedao", "斜塘街道办事处", "斜塘街道的行政机关"),
    ("gongyuan-yinhang", "园区农商银行斜塘支行", "驻区金融单位"),
    ("dushu-daxue", "独墅湖高校联盟", "驻区高校"),
]

#: (title, category, from the problem list)
NEEDS = [
    ("老旧小区加装电梯", "设施"),
    ("小区停车位不够，夜间乱停", "停车"),
    ("社区老人助餐点", "其他"),
    ("河道沿线夜间照明不足", "安全"),
    ("垃圾分类投放点破旧", "环境卫生"),
    ("青少年暑期托管", "其他"),
]

#: (owner, owner kind, kind, title, quantity, unit, public)
RESOURCES = [
    ("园区农商银行斜塘支行", "unit", "funds", "社区公益基金", "1200000", "元", True),
    ("独墅湖高校联盟", "unit", "volunteering", "大学生志愿者暑期托管", "600", "小时", True),
    ("独墅湖高校联盟", "unit", "venue", "教学楼活动室", "300", "㎡", True),
    ("斜塘街道办事处", "unit", "funds", "民生微实事资金", "700000", "元", True),
    ("润和律师事务所", "unit", "professional", "加装电梯法律咨询", "40", "小时", False),
    ("好邻居超市", "merchant", "goods", "助餐点餐具和桌椅", "20", "套", True),
]

#: (need index, title, lead unit slug, budget, [(resource index, amount, delivered)], batch)
PROJECTS = [
    (
        0,
        "一期 6 部电梯加装",
        "xietang-jiedao",
        "900000",
        [(0, "600000", "600000"), (4, "40", "40")],
        1,
    ),
    (3, "滨河步道 120 盏路灯", "xietang-jiedao", "380000", [(3, "380000", "380000")], 1),
    (2, "邻里助餐点", "xietang-jiedao", "260000", [(0, "200000", "120000"), (5, "20", "20")], 1),
    (5, "青少年暑期托管", "dushu-daxue", "60000", [(1, "600", "600"), (2, "300", "300")], 1),
    (1, "错时共享停车 200 位", "gongyuan-yinhang", "450000", [(0, "400000", "0")], 2),
    (4, "垃圾分类亭翻新", "xietang-jiedao", "320000", [(3, "320000", "0")], 2),
]


def _xietang_lists(session: Session, body: Body) -> None:
    """斜塘's problem list turned into projects in two batches (issue 21), with their pledges.

    The first batch was approved at a closed meeting: its projects became published resolutions
    with follow-up tasks, their pledges partly delivered. The second is still collecting.
    """
    if session.scalar(sa.select(Need.id).where(Need.body_id == body.id)):
        return
    convener = session.scalar(sa.select(User).where(User.username == "qianhong"))
    units = {}
    for slug, name, description in XIETANG_UNITS:
        unit = session.scalar(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))
        if unit is None:
            unit = ResponsibleUnit(slug=slug, name=name, description=description)
            session.add(unit)
        units[slug] = unit
    needs = [Need(body_id=body.id, title=t, category=c) for t, c in NEEDS]
    resources = [
        Resource(
            body_id=body.id,
            owner_name=owner,
            owner_kind=owner_kind,
            kind=kind,
            title=title,
            quantity=Decimal(quantity),
            unit=unit,
            contact="社区党群服务中心 0512-6000 0000",
            public=public,
            conditions="",
        )
        for owner, owner_kind, kind, title, quantity, unit, public in RESOURCES
    ]
    session.add_all(needs + resources)
    session.flush()
    batches = {1: lists_rules.new_batch(session, body), 2: lists_rules.new_batch(session, body)}
    for need_no, title, unit_slug, budget, pledged, batch_no in PROJECTS:
        project = Project(
            body_id=body.id,
            need=needs[need_no],
            lead_unit_id=units[unit_slug].id,
            title=title,
            plan=f"{title}：公开征求意见、招标、施工、验收，全过程在联席会议公示。",
            budget=Decimal(budget),
            deadline=date(2027, 6, 30),
            proposed_by_id=convener.id,
        )
        session.add(project)
        session.flush()
        lists_rules.add_to_batch(batches[batch_no], project)
        for resource_no, amount, _delivered in pledged:
            resource = resources[resource_no]
            lists_rules.pledge(
                session,
                project,
                pledger=resource.owner_name,
                kind=resource.kind,
                amount=Decimal(amount),
                unit=resource.unit,
                resource=resource,
            )
    session.flush()
    starts = datetime(2026, 10, 20, 6, 30)
    meeting = Meeting(
        body_id=body.id,
        title="2026年10月联席会议（第一批民生项目）",
        starts_at=starts,
        ends_at=starts + timedelta(hours=2),
        place="斜塘街道邻里中心",
        status="in_session",
        published_at=starts - timedelta(days=5),
        opened_at=starts,
        checkin_token=secrets.token_urlsafe(16),
    )
    item = AgendaItem(kind="decision", title="审议第一批民生项目", position=1)
    meeting.items.append(item)
    session.add(meeting)
    session.flush()
    first = batches[1]
    seats = _seats_of(session, body)
    choices = ["yes"] * (len(seats) - 2) + ["no", "abstain"]
    presence.check_in(session, meeting, seats, convener.id, "convener")
    motion = _counted_motion(session, body, meeting, item, seats, choices, convener)
    meeting.status, meeting.closed_at = "closed", starts + timedelta(hours=2)
    motion.text = lists_rules.motion_text(first, "审议通过第一批民生项目：")
    first.motion = motion
    first.status = "voting"
    session.flush()
    made = lists_rules.decide(
        session, first, decided_on=date(2026, 10, 20), now=motion.closed_at, actor=convener
    )
    for resolution in made:
        resolving.publish(resolution, now=motion.closed_at + timedelta(days=1))
    done = motion.closed_at + timedelta(days=30)
    for project, spec in zip(first.projects, PROJECTS, strict=False):
        for pledge, (_r, _amount, delivered) in zip(project.pledges, spec[4], strict=True):
            lists_rules.deliver(pledge, Decimal(delivered))
        task = project.resolution.tasks[0]
        followup_rules.accept(task, now=motion.closed_at + timedelta(days=2))
        if all(p.delivered == p.amount for p in project.pledges):
            if followup_rules.needs_contact(task):
                followup_rules.contact(
                    task, "visit", "上门回访提议人。", contacted_at=done, now=done
                )
            followup_rules.complete(task, "已按方案完成，居民代表现场验收。", now=done)
            followup_rules.close(task, actor_id=convener.id, now=done + timedelta(days=7))


#: (name, phone, [(hours, what)] confirmed)
VOLUNTEERS = [
    ("刘阿姨", "13700000001", [("4", "华兴街文明劝导"), ("3", "助老陪诊")]),
    ("陈先生", "13700000002", [("2.5", "垃圾分类指导")]),
    ("黄同学", "13700000004", [("6", "周末游客引导"), ("2", "商户消防检查陪同")]),
]
SHOPS = [
    # (unit slug, name, staff phone (a merchant member or unit staff), offers)
    ("laozihao-chapu", "老字号茶铺", "13910000213", [("盖碗茶九折", "20"), ("免费续水", "5")]),
    ("huaxing-baihuo", "华兴百货", None, [("满 100 减 10", "50")]),
    ("zhangji-mianguan", "张记面馆", None, [("加蛋一份", "10")]),
]


def _huaxing_points(session: Session, body: Body) -> None:
    """华兴街's service points (issue 21): certified shops and their offers, volunteers' service.

    Service recorded by the convener and confirmed by the administrator; redemptions at two
    shops, one of them reversed; one record still waiting for confirmation.
    """
    if session.get(PointsScheme, body.id) is not None:
        return
    session.add(PointsScheme(body_id=body.id, points_per_hour=Decimal("10")))
    organiser = session.scalar(sa.select(User).where(User.username == "zhaojun"))
    checker = session.scalar(sa.select(User).where(User.username == "admin"))
    shops = []
    for slug, name, staff_phone, offers in SHOPS:
        unit = session.scalar(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))
        if unit is None:
            unit = ResponsibleUnit(slug=slug, name=name, description="华兴街积分认证商户")
            session.add(unit)
            session.flush()
        if staff_phone:
            staff = session.scalar(sa.select(User).where(User.phone == staff_phone))
            if staff is not None:
                session.add(UnitStaff(unit_id=unit.id, user_id=staff.id))
        shop = ledger.certify_shop(session, body.id, unit.id, by_id=organiser.id)
        shops.append(
            (
                shop,
                [
                    ledger.publish_offer(session, shop, title=t, points=Decimal(p))
                    for t, p in offers
                ],
            )
        )
    when = datetime(2026, 11, 1, 2, 0)
    accounts = []
    for name, phone, services in VOLUNTEERS:
        person = session.scalar(sa.select(User).where(User.phone == phone))
        if person is None:
            person = User(name=name, phone=phone)
            session.add(person)
            session.flush()
        account = ledger.account_for(session, body.id, person.id)
        accounts.append(account)
        for n, (hours, what) in enumerate(services):
            record = ledger.record_service(
                session,
                account,
                served_on=date(2026, 10, 10 + n),
                hours=Decimal(hours),
                description=what,
                recorded_by_id=organiser.id,
            )
            ledger.confirm_service(session, record, confirmed_by_id=checker.id, now=when)
    ledger.record_service(
        session,
        accounts[1],
        served_on=date(2026, 11, 20),
        hours=Decimal("2"),
        description="夜间巡街",
        recorded_by_id=organiser.id,
    )
    (chapu, chapu_offers), (baihuo, baihuo_offers), _ = shops
    clerk = session.scalar(sa.select(User).where(User.phone == "13910000213")) or organiser
    wugang = session.scalar(sa.select(User).where(User.username == "wugang")) or organiser
    ledger.redeem(session, accounts[0].id, chapu_offers[0], by_id=clerk.id, now=when)
    ledger.redeem(session, accounts[2].id, chapu_offers[1], by_id=clerk.id, now=when)
    mistaken = ledger.redeem(session, accounts[2].id, baihuo_offers[0], by_id=wugang.id, now=when)
    ledger.reverse(session, mistaken, reason="店员误扫，顾客未消费", by_id=organiser.id, now=when)
