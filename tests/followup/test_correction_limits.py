"""A correction longer than the corrected part's column is refused in words, never a 500."""

import sqlalchemy as sa

from app.extensions import db
from app.models import Resolution, ResolutionCorrection
from tests.followup.helpers import make_resolution


def test_a_5000_character_title_correction_is_refused_next_to_the_field(world, login_as, client):
    """Title corrections hold 160 characters (the column); the text may be long (issue 15, 8)."""
    resolution = make_resolution(world["body"], title="旧标题")
    login_as(world["convener"])
    response = client.post(
        f"/resolutions/{resolution.id}/corrections",
        data={"field": "title", "value": "长" * 5000, "reason": "笔误"},
    )
    assert response.status_code == 400
    assert "最多 160 个字" in response.get_data(as_text=True)
    db.session.expire_all()
    assert db.session.get(Resolution, resolution.id).title == "旧标题"
    assert db.session.scalar(sa.select(sa.func.count(ResolutionCorrection.id))) == 0
    long_text = "字" * 5000
    response = client.post(
        f"/resolutions/{resolution.id}/corrections",
        data={"field": "text", "value": long_text, "reason": "补全"},
    )
    assert response.status_code == 302
    db.session.expire_all()
    assert db.session.get(Resolution, resolution.id).text == long_text
