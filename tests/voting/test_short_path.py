"""The ballot's short path (app/voting/casting.py) keeps a secret ballot sealed."""

import sqlalchemy as sa

from app import audit
from app.extensions import db
from app.models import AuditEvent, Ballot, PendingAuditEvent, SealedBallot
from app.voting import sealing
from tests.voting.helpers import check_in, seats_of, sitting
from tests.voting.test_web_progress import HX, _open, counted_statements


def test_a_secret_ballot_is_a_row_without_choice_and_a_box_that_opens_to_it(
    app, ctx, client, login_as
):
    """The row keeps no choice; the one box opens to the seat's constituency and the choice."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    motion = _open(meeting, item, kind="secret")
    login_as(seat.holder)
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    answer = client.post(url, data={"choice": "no", "confirm": "1"}, headers=HX)
    assert "您已投票（无记名，选择不公开）" in answer.text and "反对" not in answer.text
    again = client.post(url, data={"choice": "yes", "confirm": "1"}, headers=HX)
    assert "已经投过票了" in again.text
    db.session.rollback()
    assert db.session.scalars(sa.select(Ballot.choice)).all() == [None]
    boxes = db.session.scalars(sa.select(SealedBallot.box)).all()
    assert len(boxes) == 1 and b"no" not in boxes[0]
    assert sealing.store().open_all(motion.id, boxes) == [(seat.constituency_id, "no")]
    audit.chain_pending(db.session)
    event = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "ballot.cast"))
    assert event.after == {"motion_id": motion.id, "seat_id": seat.id}
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PendingAuditEvent)) == 0


def test_the_ballot_page_does_not_count_the_header_s_waiting_tasks(app, ctx, client, login_as):
    """2,000 phones open the ballot page at once: it runs no count over the tasks."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "street")[0]
    check_in(meeting, [seat])
    _open(meeting, item)
    login_as(seat.holder)
    with counted_statements() as statements:
        page = client.get(f"/meetings/{meeting.id}/vote")
    assert page.status_code == 200 and "赞成" in page.text
    assert not [s for s in statements if "FROM tasks" in s]
    with counted_statements() as statements:
        assert client.get(f"/meetings/{meeting.id}").status_code == 200
    assert [s for s in statements if "FROM tasks" in s]  # other pages still show the count
