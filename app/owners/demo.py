"""The demo compound 锦绣小区: about 300 units in 6 buildings, and two owners' decisions.

Building 6 is still held by the developer (one owner for all its units); 王建国 bought three
units (one owner); some flats have co-owners. A past ordinary decision (选聘物业) passed; today
a major one (3 号楼电梯更新, building 3 only) is in its voting window, and the owner of 3-1-302
can vote at once with the code printed by ``flask seed-demo``.
"""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Session

from app import clock
from app.models import Body, Building, Owner, OwnerContact, OwnerDecision, OwnersSettings, Unit
from app.models.owners import hash_code
from app.models.statuses import BallotChannel
from app.owners import ballots

#: The demo owner's code: typed at /o, or opened as /o/<code>.
DEMO_CODE = "JX3DEMO302"
DEMO_UNIT = "3-1-302"
AREAS = [Decimal("76.50"), Decimal("89.47"), Decimal("120.00"), Decimal("135.20")]
SURNAMES = "王李张刘陈杨黄吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾"
GIVEN = ["建华", "秀兰", "志明", "桂芳", "海波", "玉梅", "国强", "丽娟", "德明", "春燕"]
#: The buyer of several units: these three codes belong to one owner.
BUYER_UNITS = {"1-1-101", "1-1-102", "2-1-301"}


def seed_compound(session: Session, body: Body) -> None:
    """Add the compound's registry, its settings and its two decisions to ``body``."""
    session.add(OwnersSettings(body_id=body.id, notice_days=15, max_extension_days=15))
    buyer = Owner(body_id=body.id, key="no:JX-0001", name="王建国")
    buyer.contacts.append(OwnerContact(name="王建国", phone="13800000001"))
    developer = Owner(body_id=body.id, key="developer", name="锦绣置业有限公司", kind="developer")
    session.add_all([buyer, developer])
    number = 0
    for b in range(1, 7):
        building = Building(body_id=body.id, name=str(b))
        session.add(building)
        for entrance in (1, 2):
            for floor in range(1, 7):
                for flat in range(1, 5):
                    code = f"{b}-{entrance}-{floor}{flat:02d}"
                    number += 1
                    owner = developer if b == 6 else buyer if code in BUYER_UNITS else None
                    if owner is None:
                        owner = _person(body, code, number)
                        session.add(owner)
                    unit = Unit(
                        body_id=body.id,
                        building=building,
                        code=code,
                        area=AREAS[(flat - 1) % 4],
                        area_source="register" if number % 5 else "survey",
                        owner=owner,
                    )
                    session.add(unit)
    session.flush()
    _past_decision(session, body)
    _todays_decision(session, body)


def _person(body: Body, code: str, number: int) -> Owner:
    name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
    owner = Owner(body_id=body.id, key=f"unit:{code}", name=name)
    owner.contacts.append(OwnerContact(name=name, phone=f"1380{number:07d}"))
    if number % 7 == 0:  # co-owners: a second person with their own link, one vote
        spouse = SURNAMES[(number + 3) % len(SURNAMES)] + GIVEN[(number + 5) % len(GIVEN)]
        owner.contacts.append(OwnerContact(name=spouse, phone=f"1381{number:07d}"))
    if code == DEMO_UNIT:
        owner.contacts[0].code_hash = hash_code(DEMO_CODE)
        owner.contacts[0].code_issued_at = clock.now()
    return owner


def _owners_in(session: Session, decision: OwnerDecision) -> list[Owner]:
    in_scope = sa.select(Unit.owner_id).where(ballots.scope_filter(decision))
    return list(session.scalars(sa.select(Owner).where(Owner.id.in_(in_scope)).order_by(Owner.id)))


def _past_decision(session: Session, body: Body) -> None:
    now = clock.now()
    decision = OwnerDecision(
        body_id=body.id,
        title="选聘锦华物业为小区物业服务企业",
        text="经议事会商议，提请全体业主表决：选聘锦华物业服务有限公司，服务期三年，"
        "物业费标准不变。",
        item=4,
        matter="ordinary",
        announced_at=now - timedelta(days=90),
        opens_at=now - timedelta(days=75),
        closes_at=now - timedelta(days=60),
    )
    session.add(decision)
    session.flush()
    for n, owner in enumerate(_owners_in(session, decision)):
        if n % 10 in (8, 9):
            continue  # 20% did not vote
        choice = "no" if n % 10 == 7 else "abstain" if n % 20 == 6 else "yes"
        at = decision.opens_at + timedelta(hours=n)
        ballots.cast(session, decision, owner, None, choice, _channel(n), at)
    ballots.close(session, decision, decision.closes_at)


def _todays_decision(session: Session, body: Body) -> None:
    now = clock.now()
    building3 = session.scalar(
        sa.select(Building).where(Building.body_id == body.id, Building.name == "3")
    )
    decision = OwnerDecision(
        body_id=body.id,
        title="3号楼电梯更新",
        text="3号楼两部电梯已运行二十年，故障频繁。提请 3 号楼全体业主表决：使用维修资金"
        "更换两部电梯，预算 96 万元，工期 45 天，施工期间每单元保留一部电梯运行。",
        item=7,
        matter="major",
        whole_compound=False,
        buildings=[building3],
        announced_at=now - timedelta(days=17),
        opens_at=now - timedelta(days=2),
        closes_at=now + timedelta(days=5),
    )
    session.add(decision)
    session.flush()
    for n, owner in enumerate(_owners_in(session, decision)):
        if n % 2 or any(u.code == DEMO_UNIT for u in owner.units):
            continue  # half have voted so far; the demo owner has not
        choice = "no" if n % 8 == 4 else "yes"
        ballots.cast(session, decision, owner, None, choice, _channel(n), now - timedelta(hours=n))


def _channel(n: int) -> BallotChannel:
    return BallotChannel.PAPER if n % 6 == 0 else BallotChannel.PHONE
