"""Motions from the floor, seconds, amendments: voted first, the text changes when adopted."""

import pytest
import sqlalchemy as sa

from app import clock
from app.extensions import db
from app.models import AuditEvent, FloorMotion, Motion
from app.voting import amendments
from app.voting.amendments import FloorError, diff, move_refusal, second_refusal
from app.voting.ballots import open_motion
from tests.voting.helpers import check_in, seats_of, sitting, vote

MAIN = "同意沿街商户开放共享厕所，开放时间为每天8点至20点"
AMENDED = "同意沿街商户开放共享厕所，开放时间为每天7点至22点"


def test_move_and_second_refusals():
    """Only in session, on a decision item, by someone present, with text; no self-second."""
    ok = dict(in_session=True, decision_item=True, present=True, text="x")
    assert move_refusal(**ok) is None
    assert move_refusal(**ok | {"in_session": False}) == "not_in_session"
    assert move_refusal(**ok | {"decision_item": False}) == "not_decision"
    assert move_refusal(**ok | {"present": False}) == "not_present"
    assert move_refusal(**ok | {"text": "  "}) == "no_text"
    assert move_refusal(**ok, amends_status="open", amends_text="y") == "main_not_draft"
    assert move_refusal(**ok, amends_status="draft", amends_text="x") == "same_text"
    assert second_refusal(status="moved", mover_id=1, seconder_id=2, present=True) is None
    assert second_refusal(status="moved", mover_id=1, seconder_id=1, present=True) == "own_motion"
    assert second_refusal(status="seconded", mover_id=1, seconder_id=2, present=True) == (
        "not_waiting"
    )


def test_diff_shows_what_changed():
    """Character runs: 8点至20点 → 7点至22点."""
    runs = diff(MAIN, AMENDED)
    assert ("delete", "8") in runs and ("insert", "7") in runs
    assert "".join(t for op, t in runs if op != "insert") == MAIN
    assert "".join(t for op, t in runs if op != "delete") == AMENDED


def _main_motion(body, meeting, item, convener):
    """A motion moved by one member, seconded by another, admitted by the convener."""
    mover, seconder = seats_of(body, "community")[:2]
    check_in(meeting, [mover, seconder])
    moved = amendments.move(db.session, item, mover.holder_id, MAIN)
    db.session.flush()
    amendments.second(db.session, moved, seconder.holder_id)
    motion = amendments.admit(db.session, moved, convener.id, clock.now())
    db.session.commit()
    return moved, motion


def test_an_admitted_motion_records_mover_and_seconder(app, ctx):
    """Admitting makes a draft motion with the moved text; mover and seconder are kept."""
    body, convener, meeting, item = sitting()
    moved, motion = _main_motion(body, meeting, item, convener)
    assert motion.status == "draft" and motion.text == MAIN
    assert amendments.origin_of(db.session, motion.id).seconded_by_id is not None
    with pytest.raises(FloorError, match="not_seconded"):
        amendments.admit(db.session, moved, convener.id, clock.now())


def test_amendment_voted_first_and_text_changes_only_when_adopted(app, ctx, client, login_as):
    """The main motion cannot open before its amendment is decided; adopted, its text changes."""
    body, convener, meeting, item = sitting()
    moved, main = _main_motion(body, meeting, item, convener)
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b] + seats_of(body, "community")[2:])  # 16 of 25: a quorum
    amendment = amendments.move(db.session, item, a.holder_id, AMENDED, amends=main)
    db.session.commit()
    assert amendments.open_refusal(db.session, main) == "amendment_pending"
    amendments.second(db.session, amendment, b.holder_id)
    vote_on = amendments.admit(db.session, amendment, convener.id, clock.now())
    db.session.commit()
    assert vote_on.text == "修正案：" + AMENDED
    login_as(convener)
    assert client.post(f"/motions/{main.id}/open").status_code == 409  # amendment first
    assert main.text == MAIN  # not changed before it is adopted
    client.post(f"/motions/{vote_on.id}/open")
    for seat in (a, b):
        vote(client, login_as, seat.holder, vote_on, seat, "yes")
    login_as(convener)
    client.post(f"/motions/{vote_on.id}/close", data={"confirmed": "yes"})
    db.session.expire_all()
    main = db.session.get(Motion, main.id)
    assert main.text == AMENDED
    assert db.session.get(FloorMotion, amendment.id).previous_text == MAIN
    assert client.post(f"/motions/{main.id}/open").status_code == 302
    actions = set(db.session.scalars(sa.select(AuditEvent.action)))
    assert "motion.amended" in actions


def test_a_failed_amendment_leaves_the_text(app, ctx, client, login_as):
    """An amendment voted down changes nothing."""
    body, convener, meeting, item = sitting()
    moved, main = _main_motion(body, meeting, item, convener)
    a, b = seats_of(body, "street")[:2]
    check_in(meeting, [a, b])
    amendment = amendments.move(db.session, item, a.holder_id, AMENDED, amends=main)
    db.session.flush()
    amendments.second(db.session, amendment, b.holder_id)
    vote_on = amendments.admit(db.session, amendment, convener.id, clock.now())
    open_motion(db.session, vote_on, clock.now())
    db.session.commit()
    for seat in (a, b):
        vote(client, login_as, seat.holder, vote_on, seat, "no")
    login_as(convener)
    client.post(f"/motions/{vote_on.id}/close", data={"confirmed": "yes"})
    db.session.expire_all()
    assert db.session.get(Motion, main.id).text == MAIN
    assert amendments.open_refusal(db.session, db.session.get(Motion, main.id)) is None


def test_from_phones_move_second_and_the_convener_rules_out(app, ctx, client, login_as):
    """Moved and seconded from the 会场 page; a blank ruling reason is a 422; then ruled out."""
    body, convener, meeting, item = sitting()
    meeting.current_item_id = item.id
    db.session.commit()
    mover, seconder = seats_of(body, "merchant")[:2]
    check_in(meeting, [mover, seconder])
    login_as(mover.holder)
    blank = client.post(f"/meetings/{meeting.id}/room/motions", data={"text": ""})
    assert blank.status_code == 422 and "请写下动议的内容" in blank.text
    assert (
        client.post(
            f"/meetings/{meeting.id}/room/motions", data={"text": "增设夜间垃圾清运"}
        ).status_code
        == 303
    )
    fm = db.session.scalar(sa.select(FloorMotion))
    own = client.post(
        f"/meetings/{meeting.id}/room/motions/second", data={"floor_motion_id": fm.id}
    )
    assert "不能附议自己提出的动议" in client.get(own.location).text
    login_as(seconder.holder)
    page = client.get(f"/meetings/{meeting.id}/room").text
    assert "我附议" in page and "增设夜间垃圾清运" in page
    client.post(f"/meetings/{meeting.id}/room/motions/second", data={"floor_motion_id": fm.id})
    login_as(convener)
    refused = client.post(
        f"/meetings/{meeting.id}/floor-motions/rule-out",
        data={"floor_motion_id": fm.id, "reason": ""},
    )
    assert refused.status_code == 422 and "请写明不予受理的理由" in refused.text
    client.post(
        f"/meetings/{meeting.id}/floor-motions/rule-out",
        data={"floor_motion_id": fm.id, "reason": "不属于本会议职权"},
    )
    db.session.expire_all()
    assert db.session.get(FloorMotion, fm.id).status == "ruled_out"
    minutes = client.get(f"/meetings/{meeting.id}/minutes.md").text
    assert "不予受理：不属于本会议职权" in minutes and mover.holder.name in minutes


def test_a_member_cannot_admit(app, ctx, client, login_as):
    """Only the convener admits a motion (403 for a member)."""
    body, convener, meeting, item = sitting()
    mover, seconder = seats_of(body, "merchant")[:2]
    check_in(meeting, [mover, seconder])
    moved = amendments.move(db.session, item, mover.holder_id, "x")
    db.session.flush()
    amendments.second(db.session, moved, seconder.holder_id)
    db.session.commit()
    login_as(seconder.holder)
    answer = client.post(
        f"/meetings/{meeting.id}/floor-motions/admit", data={"floor_motion_id": moved.id}
    )
    assert answer.status_code == 403
    assert db.session.scalar(sa.select(Motion)) is None


def test_the_resolution_names_mover_and_seconder(app, ctx, client, login_as):
    """A resolution drafted from a motion moved from the floor names its mover and seconder."""
    body, convener, meeting, item = sitting()
    moved, motion = _main_motion(body, meeting, item, convener)
    check_in(meeting, seats_of(body, "community")[2:] + seats_of(body, "street"))  # 17 of 25
    open_motion(db.session, motion, clock.now())
    db.session.commit()
    for seat in seats_of(body, "community"):
        vote(client, login_as, seat.holder, motion, seat, "yes")
    login_as(convener)
    client.post(f"/motions/{motion.id}/close", data={"confirmed": "yes"})
    page = client.get(f"/motions/{motion.id}/resolution").text
    assert f"动议人：{moved.moved_by.name}" in page and "附议人：" in page
