"""Helpers for owners' tests: the worked example's compound, a decision, an owner's code."""

from datetime import timedelta
from decimal import Decimal

from app import clock
from app.extensions import db
from app.models import Building, Owner, OwnerContact, OwnerDecision, Unit
from tests.factories import make_body, make_convener

#: VOTING.md's worked example: (unit code, area, owner key, owner name or None for developer).
WORKED_UNITS = [
    ("1-101", "90.5", "a", "业主甲"),
    ("1-102", "90.5", "a", "业主甲"),
    ("1-103", "90.5", "a", "业主甲"),
    ("2-101", "60", "b", "业主乙"),
    ("2-102", "60", "c", "业主丙"),
    ("3-101", "75", "developer", None),
    ("3-102", "75", "developer", None),
]


def make_compound(units=WORKED_UNITS):
    """A compound (body) with a convener and the given units; returns (body, convener, owners).

    ``owners`` maps each owner key to its Owner; every person owner gets one contact.
    """
    body = make_body(constituencies=[("owners", 1, None, False)], holders=False)
    convener = make_convener(body)
    buildings, owners = {}, {}
    for code, area, key, name in units:
        building_name = code.split("-")[0]
        if building_name not in buildings:
            buildings[building_name] = Building(body_id=body.id, name=building_name)
            db.session.add(buildings[building_name])
        if key not in owners:
            owners[key] = Owner(
                body_id=body.id,
                key=key,
                name=name or "开发商",
                kind="developer" if key == "developer" else "person",
            )
            if name:
                owners[key].contacts.append(OwnerContact(name=name, phone="13900000000"))
            db.session.add(owners[key])
        db.session.add(
            Unit(
                body_id=body.id,
                building=buildings[building_name],
                code=code,
                area=Decimal(area),
                owner=owners[key],
            )
        )
    db.session.commit()
    return body, convener, owners


def make_decision(body, matter="ordinary", item=None, open_now=True, buildings=(), **fields):
    """A decision announced 16 days ago and voting now (or opening tomorrow)."""
    now = clock.now()
    opens = now - timedelta(hours=1) if open_now else now + timedelta(days=1)
    decision = OwnerDecision(
        body_id=body.id,
        title=fields.pop("title", "选聘物业"),
        text=fields.pop("text", "选聘新的物业服务企业。"),
        item=item or (7 if matter == "major" else 4),
        matter=matter,
        whole_compound=not buildings,
        buildings=list(buildings),
        announced_at=opens - timedelta(days=16),
        opens_at=opens,
        closes_at=fields.pop("closes_at", now + timedelta(days=7)),
        **fields,
    )
    db.session.add(decision)
    db.session.commit()
    return decision


def code_for(owner: Owner) -> str:
    """Issue the owner's first contact a fresh code and return it."""
    code = owner.contacts[0].issue_code()
    db.session.commit()
    return code
