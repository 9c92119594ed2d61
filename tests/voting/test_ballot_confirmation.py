"""The ballot's second tap (确认：赞成): a mis-tap is never final, a body may turn it off."""

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Ballot
from app.voting import rules
from app.voting.ballots import open_motion
from tests.factories import make_convener
from tests.voting.helpers import add_motion, check_in, seats_of, sitting

HX = {"HX-Request": "true"}


def _ready():
    """A sitting meeting, one present seat and an open roll-call motion."""
    body, _convener, meeting, item = sitting()
    seat = seats_of(body, "community")[0]
    check_in(meeting, [seat])
    motion = add_motion(meeting, item)
    open_motion(db.session, motion, motion.created_at)
    db.session.commit()
    return body, meeting, motion, seat


def _ballots() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(Ballot))


def test_needs_confirmation_rule():
    """Only a body asking for it, and only before the second tap."""
    assert rules.needs_confirmation(True, False)
    assert not rules.needs_confirmation(True, True)
    assert not rules.needs_confirmation(False, False)


def test_first_tap_without_javascript_asks_to_confirm_and_records_nothing(ctx, client, login_as):
    """The tap redirects to the ballot page, whose card says the choice and "确认：反对"."""
    _body, meeting, motion, seat = _ready()
    login_as(seat.holder)
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    response = client.post(url, data={"choice": "no"})
    assert response.status_code == 303 and "pick=no" in response.location
    assert _ballots() == 0
    page = client.get(response.location).text
    assert "✗ 确认：反对" in page and 'name="confirm" value="1"' in page
    assert "改选" in page and 'value="yes" class="vote-button yes"' not in page
    assert "开放数据" not in page  # no open-data footer to tap by mistake


def test_second_tap_records_the_ballot(ctx, client, login_as):
    """The confirm button records the choice, once, audited."""
    _body, _meeting, motion, seat = _ready()
    login_as(seat.holder)
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    response = client.post(url, data={"choice": "yes", "confirm": "1"}, headers=HX)
    assert "您已投：" in response.text and "赞成" in response.text
    assert db.session.scalar(sa.select(Ballot.choice)) == "yes"
    assert db.session.scalar(sa.select(AuditEvent.action)) == "ballot.cast"


def test_htmx_first_tap_swaps_in_the_confirmation(ctx, client, login_as, captured_templates):
    """With htmx the card itself turns into the confirmation, nothing is recorded."""
    _body, _meeting, motion, seat = _ready()
    login_as(seat.holder)
    url = f"/motions/{motion.id}/seats/{seat.id}/ballot"
    response = client.post(url, data={"choice": "abstain"}, headers=HX)
    assert captured_templates == ["voting/partials/ballot_card.html"]
    assert "○ 确认：弃权" in response.text and _ballots() == 0


def test_a_body_may_turn_the_confirmation_off(ctx, client, login_as):
    """The convener unticks the setting (audited); then one tap records the ballot."""
    body, _meeting, motion, seat = _ready()
    login_as(make_convener(body))
    data = {
        "seconds_needed": "0",
        "topic_categories": "其他",
        "rating_rule": "all_basic",
        "resolution_number_format": "{short_name}第{number}号",
    }
    assert client.post(f"/b/{body.slug}/settings", data=data).status_code == 302
    event = db.session.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "body.settings_changed")
    ).one()
    assert event.before["confirm_ballots"] is True and event.after["confirm_ballots"] is False
    login_as(seat.holder)
    client.post(f"/motions/{motion.id}/seats/{seat.id}/ballot", data={"choice": "yes"})
    assert _ballots() == 1


def test_the_confirmation_is_refused_like_a_ballot_for_someone_elses_seat(ctx, client, login_as):
    """A stranger's first tap is refused before any confirmation is offered."""
    body, _meeting, motion, seat = _ready()
    other = seats_of(body, "community")[1]
    login_as(other.holder)
    response = client.post(f"/motions/{motion.id}/seats/{seat.id}/ballot", data={"choice": "no"})
    assert response.status_code == 403 and "确认" not in response.text
