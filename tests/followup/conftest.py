"""Fixtures of follow-up tests: a small body with a convener, two units, a published resolution."""

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.models import BodyUnit, Constituency, Seat
from tests.factories import make_body, make_convener, make_unit, make_user
from tests.followup.helpers import make_resolution


@pytest.fixture
def world(ctx):
    """A body (3 members), its convener, two units with one staff member each, a resolution.

    ``unit`` is one of the body's units; ``other_unit`` is not (tests add it when they need).
    """
    body = make_body("huaxing", constituencies=[("community", 3, "1/1", False)])
    convener = make_convener(body)
    staff, other_staff = make_user("物业小周"), make_user("百货小吴")
    unit, other_unit = make_unit(staff), make_unit(other_staff)
    # the body's units (the 派单 form offers only these): ``unit``, not ``other_unit``
    db.session.add(BodyUnit(body_id=body.id, unit_id=unit.id))
    db.session.commit()
    members = [
        s.holder
        for s in db.session.scalars(
            sa.select(Seat).join(Constituency).where(Constituency.body_id == body.id)
        )
    ]
    resolution = make_resolution(body)
    return {
        "body": body,
        "convener": convener,
        "staff": staff,
        "other_staff": other_staff,
        "unit": unit,
        "other_unit": other_unit,
        "members": members,
        "resolution": resolution,
        "outsider": make_user("路人"),
    }
