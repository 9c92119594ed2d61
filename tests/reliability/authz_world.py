"""The world the authorization matrix requests every route in, and how URLs are filled from it.

One body A (the one every object belongs to) and one body B (whose member is the "outsider"),
a convener and a member of A, a responsible unit with staff and a task of a published resolution
of A, an administrator, topics, a meeting in session with a decision item and an open motion.
"""

import secrets
from datetime import datetime, timedelta
from decimal import Decimal
from pathlib import Path

from app import clock
from app.extensions import db
from app.models import (
    AgendaItem,
    Building,
    Convener,
    DecisionAttachment,
    Objection,
    Owner,
    OwnerContact,
    OwnerDecision,
    PaperBallot,
    SignInLink,
    TaskPart,
    TaskUpdate,
    Unit,
)
from app.models.accounts import hash_token
from app.owners import ballots as owner_ballots
from tests.factories import make_body, make_meeting, make_unit, make_user
from tests.followup.helpers import make_passed_motion, make_resolution, make_task, make_topic
from tests.voting.helpers import add_motion

#: The roles every route is requested as, in the order they are tried. ``outsider`` is a member
#: of another body; ``other_convener`` convenes that other body; ``other_staff`` works for
#: another unit (a right held elsewhere must not open this body's or unit's doors).
ROLES = (
    "anonymous",
    "outsider",
    "other_convener",
    "other_staff",
    "member",
    "unit_staff",
    "convener",
    "admin",
)

#: A 1×1 PNG, so the progress photo route has a real file to serve.
PNG = bytes.fromhex(
    "89504e470d0a1a0a0000000d4948445200000001000000010806000000"
    "1f15c4890000000d49444154789c6360000002000001e221bc330000000049454e44ae426082"
)


def _seat_of(body):
    return body.constituencies[0].seat_list[0]


def build_world(upload_folder: str) -> dict:
    """Make every object a URL of the app can point at; return ids, slugs, tokens and people."""
    small = [("community", 2, "1/1", False)]
    body = make_body(constituencies=small, holders=False)
    other = make_body(constituencies=small, holders=False)
    member, outsider = make_user("成员", password=None), make_user("别家成员", password=None)
    convener = make_user("召集人", password=None)
    staff = make_user("承办人", password=None)
    admin = make_user("管理员", password=None, is_admin=True)
    other_convener = make_user("别家召集人", password=None)
    other_staff = make_user("别家承办人", password=None)
    seat = _seat_of(body)
    seat.holder = member
    other_seat = _seat_of(other)
    other_seat.holder = outsider
    db.session.add(Convener(body_id=body.id, user_id=convener.id))
    db.session.add(Convener(body_id=other.id, user_id=other_convener.id))
    unit = make_unit(staff)
    make_unit(other_staff)

    topic, follow_token = make_topic(body, status="submitted")
    meeting = make_meeting(body, status="in_session")
    other_meeting = make_meeting(other, status="in_session")
    item = AgendaItem(meeting_id=meeting.id, position=1, kind="decision", title="共享厕所")
    db.session.add(item)
    db.session.commit()
    motion = add_motion(meeting, item, status="open", opened_at=clock.now())
    passed = make_passed_motion(body)
    resolution = make_resolution(body)
    resolution.topics.append(topic)  # so the topic's follow link may rate the task
    task = make_task(resolution, unit, status="completed", completed_at=datetime(2026, 10, 1))
    # 协办: a co-unit's part of the task; the unit's staff is the world's unit staff too
    part = TaskPart(
        task_id=task.id, unit_id=make_unit(staff).id, description="协助挂牌", status="accepted"
    )
    objection = Objection(resolution_id=resolution.id, receipt_no="YY-AUTHZ", text="有异议")
    db.session.add(part)
    db.session.add(objection)

    folder = Path(upload_folder) / "tasks"
    folder.mkdir(parents=True, exist_ok=True)
    photo_name = secrets.token_hex(16) + ".png"
    (folder / photo_name).write_bytes(PNG)
    update = TaskUpdate(
        task_id=task.id,
        author_id=staff.id,
        note="已挂牌",
        photo_path=photo_name,
        photo_type="image/png",
    )
    link_token = secrets.token_urlsafe(16)
    link = SignInLink(
        user_id=member.id,
        token_hash=hash_token(link_token),
        created_by_id=convener.id,
        expires_at=clock.now() + timedelta(days=30),
    )
    db.session.add_all([update, link])
    db.session.commit()
    owners = owners_world(body, convener, upload_folder)
    lists = _lists_and_points(body, unit, meeting, convener, admin, member, topic)
    return {
        **owners,
        "people": {
            "outsider": outsider.id,
            "other_convener": other_convener.id,
            "other_staff": other_staff.id,
            "member": member.id,
            "unit_staff": staff.id,
            "convener": convener.id,
            "admin": admin.id,
        },
        "body": body.slug,
        "other_body": other.slug,
        "other_meeting": other_meeting.id,
        "other_seat": other_seat.id,
        "other_constituency": other.constituencies[0].id,
        "unit": unit.slug,
        "constituency": body.constituencies[0].id,
        "seat": seat.id,
        "topic": topic.id,
        "follow_token": follow_token,
        "meeting": meeting.id,
        "checkin_token": meeting.checkin_token,
        "item": item.id,
        "motion": motion.id,
        "passed_motion": passed.id,
        "resolution": resolution.id,
        "task": task.id,
        "part": part.id,
        "year": 2027,
        "objection": objection.id,
        "update": update.id,
        "link": link.id,
        "link_token": link_token,
        **lists,
    }


def _lists_and_points(body, unit, meeting, convener, admin, member, topic) -> dict:
    """The lists' and points' objects: a need, resource, project, pledge and batch; a shop.

    The shop (the world's unit) has an offer; the member has points and a service record to
    confirm, recorded by the administrator, so the convener may confirm it (the administrator's
    own confirmation is refused in words).
    """
    from datetime import date
    from decimal import Decimal

    from app.lists import rules as lists_rules
    from app.models import Need, Project, Resource
    from app.points import ledger

    need = Need(body_id=body.id, title="加装电梯", category="设施")
    resource = Resource(
        body_id=body.id,
        owner_name="锦华物业",
        owner_kind="unit",
        kind="venue",
        title="会议室",
        quantity=Decimal("50"),
        unit="㎡",
        contact="王先生",
    )
    project = Project(
        body_id=body.id,
        need=need,
        lead_unit_id=unit.id,
        title="电梯项目",
        plan="方案",
        budget=Decimal("1000"),
        deadline=date(2027, 1, 1),
    )
    db.session.add_all([need, resource, project])
    db.session.flush()
    pledge = lists_rules.pledge(
        db.session, project, pledger="锦华物业", kind="funds", amount=Decimal("500"), unit=""
    )
    batch = lists_rules.new_batch(db.session, body)
    shop = ledger.certify_shop(db.session, body.id, unit.id, by_id=convener.id)
    ledger.publish_offer(db.session, shop, title="九折", points=Decimal("5"))
    account = ledger.account_for(db.session, body.id, member.id)
    record = ledger.record_service(
        db.session,
        account,
        served_on=date(2026, 11, 1),
        hours=Decimal("2"),
        description="巡查",
        recorded_by_id=admin.id,
    )
    entry = ledger.confirm_service(
        db.session,
        ledger.record_service(
            db.session,
            account,
            served_on=date(2026, 11, 2),
            hours=Decimal("3"),
            description="助老",
            recorded_by_id=admin.id,
        ),
        confirmed_by_id=convener.id,
        now=clock.now(),
    )
    db.session.commit()
    return {
        "project": project.id,
        "pledge": pledge.id,
        "batch": batch.id,
        "shop": shop.id,
        "record": record.id,
        "entry": entry.id,
        "points_code": account.code,
        "accepted_topic": topic.id,
    }


def fill(rule, world: dict) -> dict:
    """The URL variables of ``rule`` from ``world`` (by name, by prefix where ambiguous)."""
    path = rule.rule
    values = {}
    for name in rule.arguments:
        if name == "slug":
            values[name] = world["unit"] if "/units/" in path else world["body"]
        elif name == "id":
            values[name] = (
                world["meeting"]
                if path.startswith("/meetings/")
                else world["item"]
                if path.startswith("/items/")
                else world["motion"]
            )
        elif name == "token":
            values[name] = (
                world["link_token"]
                if path.startswith("/l/")
                else world["checkin_token"]
                if path.startswith("/checkin/")
                else world["follow_token"]
            )
        elif name == "user_id":
            people = world["people"]
            values[name] = (
                people["convener"]
                if "/conveners/" in path
                else people["unit_staff"]
                if "/staff/" in path
                else people["member"]
            )
        elif name == "code":
            # /o/<code> is an owner's voting code, /r/<code> a volunteer's points code
            values[name] = world["points_code"] if path.startswith("/r/") else world["owner_code"]
        elif name == "motion_id":
            values[name] = world["passed_motion"]
        else:
            key = {
                "meeting_id": "meeting",
                "item_id": "item",
                "topic_id": "topic",
                "seat_id": "seat",
                "task_id": "task",
                "part_id": "part",
                "year": "year",
                "resolution_id": "resolution",
                "link_id": "link",
                "constituency_id": "constituency",
                "update_id": "update",
                "objection_id": "objection",
                "decision_id": "decision",
                "paper_id": "paper",
                "attachment_id": "attachment",
                "project_id": "project",
                "pledge_id": "pledge",
                "batch_id": "batch",
                "shop_id": "shop",
                "record_id": "record",
                "entry_id": "entry",
            }[name]
            values[name] = world[key]
    return values


def owners_world(body, convener, upload_folder: str) -> dict:
    """A closed owners' decision of ``body``: one unit, its owner's code, a paper ballot, a file."""
    building = Building(body_id=body.id, name="1")
    owner = Owner(body_id=body.id, key="a", name="业主甲")
    contact = OwnerContact(name="业主甲", phone="13900000000")
    owner.contacts.append(contact)
    unit = Unit(body_id=body.id, building=building, code="1-101", area=Decimal("90.5"), owner=owner)
    db.session.add_all([building, owner, unit])
    code = contact.issue_code()
    now = clock.now()
    decision = OwnerDecision(
        body_id=body.id,
        title="选聘物业",
        text="选聘物业服务企业。",
        item=4,
        matter="ordinary",
        announced_at=now - timedelta(days=30),
        opens_at=now - timedelta(days=10),
        closes_at=now - timedelta(days=1),
    )
    folder = Path(upload_folder) / "owners"
    folder.mkdir(parents=True, exist_ok=True)
    stored = secrets.token_hex(16) + ".png"
    (folder / stored).write_bytes(PNG)
    attachment = DecisionAttachment(
        title="平面图.png", stored_name=stored, content_type="image/png", size=len(PNG)
    )
    decision.attachments.append(attachment)
    db.session.add(decision)
    db.session.flush()
    paper = PaperBallot(
        decision_id=decision.id, serial="001", unit=unit, choice="yes", entered_by_id=convener.id
    )
    db.session.add(paper)
    owner_ballots.close(db.session, decision, now)
    db.session.commit()
    return {
        "owner_code": code,
        "decision": decision.id,
        "paper": paper.id,
        "attachment": attachment.id,
    }
