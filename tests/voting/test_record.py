"""The official record of a vote (issue 14): final once counted, in seats, named if roll-call."""

import csv
import io
import re

import sqlalchemy as sa

from app.extensions import db
from app.models import AuditEvent, Motion
from app.voting import record
from tests.voting.helpers import check_in, give_proxy, seats_of, sitting, vote

CONFIRMED = {"confirmed": "yes"}
SEAT_RULE = {"weighting": "seat", "base": "cast", "threshold": {"op": ">", "value": "1/2"}}


def _motion_via_web(client, login_as, convener, item, kind="roll_call", **extra):
    """The convener makes a motion on the item through the web; its id."""
    login_as(convener)
    data = {"text": "同意开放共享厕所", "kind": kind, "rule_choice": "custom"}
    data |= {"weighting": "seat", "base": "cast", "threshold_op": ">", "threshold_value": "1/2"}
    data |= {"quorum_op": "", "concurrent": "none", **extra}
    created = client.post(f"/items/{item.id}/motions/new", data=data)
    assert created.status_code == 302, created.text
    return int(created.location.rsplit("/", 1)[1])


def _counted(client, login_as, kind="roll_call"):
    """A closed motion: community seats 1–3 yes/no/yes (3 by proxy of 1), seat 4 present silent.

    Returns (body, convener, meeting, item, motion).
    """
    body, convener, meeting, item = sitting()
    community = seats_of(body, "community")
    check_in(meeting, community[:2] + community[3:4])
    give_proxy(meeting, community[2], community[0].holder)
    motion_id = _motion_via_web(client, login_as, convener, item, kind=kind)
    assert client.post(f"/motions/{motion_id}/open", data=CONFIRMED).status_code == 302
    motion = db.session.get(Motion, motion_id)
    vote(client, login_as, community[0].holder, motion, community[0], "yes")
    vote(client, login_as, community[1].holder, motion, community[1], "no")
    vote(client, login_as, community[0].holder, motion, community[2], "yes")
    login_as(convener)
    assert client.post(f"/motions/{motion_id}/close", data=CONFIRMED).status_code == 302
    db.session.expire_all()
    return body, convener, meeting, item, db.session.get(Motion, motion_id)


# --- 1. a counted result is final ------------------------------------------------------------


def test_a_counted_motion_cannot_be_withdrawn(app, ctx, client, login_as):
    """撤销 of a closed motion is refused with a plain sentence; the count stays as frozen."""
    _, convener, _, _, motion = _counted(client, login_as)
    login_as(convener)
    page = client.get(f"/motions/{motion.id}").text
    assert "撤销这项动议" not in page
    refused = client.post(f"/motions/{motion.id}/cancel", data={"reason": "算错了"})
    assert refused.status_code == 409
    assert "结果是正式记录，不能撤销" in refused.text and "复议" in refused.text
    db.session.expire_all()
    assert db.session.get(Motion, motion.id).status == "closed"


def test_an_open_motion_with_a_ballot_cannot_be_withdrawn(app, ctx, client, login_as):
    """Once anyone voted, an open motion is no longer withdrawn; before that it may be."""
    body, convener, meeting, item = sitting()
    seat = seats_of(body, "community")[0]
    check_in(meeting, [seat])
    empty = _motion_via_web(client, login_as, convener, item)
    client.post(f"/motions/{empty}/open", data=CONFIRMED)
    assert client.post(f"/motions/{empty}/cancel", data={"reason": "重来"}).status_code == 302
    voted = _motion_via_web(client, login_as, convener, item)
    client.post(f"/motions/{voted}/open", data=CONFIRMED)
    vote(client, login_as, seat.holder, db.session.get(Motion, voted), seat, "yes")
    login_as(convener)
    assert client.post(f"/motions/{voted}/cancel", data={"reason": "重来"}).status_code == 409
    db.session.expire_all()
    assert db.session.get(Motion, voted).status == "open"
    assert db.session.get(Motion, empty).status == "cancelled"


def test_a_new_motion_rescinds_the_old_and_both_stay(app, ctx, client, login_as):
    """复议: the new motion names the old one; the minutes show both, each linking the other."""
    body, convener, meeting, item, old = _counted(client, login_as)
    login_as(convener)
    form = client.get(f"/items/{item.id}/motions/new").text
    assert "复议以前的决定" in form and f'value="{old.id}"' in form
    new_id = _motion_via_web(client, login_as, convener, item, rescinds=str(old.id))
    new = db.session.get(Motion, new_id)
    assert new.rescinds_id == old.id and old.rescinded_by == [new]
    created = db.session.scalar(sa.select(AuditEvent).where(AuditEvent.action == "motion.created"))
    assert created is not None
    page = client.get(f"/motions/{new_id}").text
    assert "这是一项复议动议" in page and f"#motion-{old.id}" in page
    minutes = client.get(f"/meetings/{meeting.id}/minutes").text
    assert f'id="motion-{old.id}"' in minutes
    assert "后来被复议" in minutes


def test_a_motion_of_another_body_is_not_offered_for_reconsideration(app, ctx, client, login_as):
    """Choosing a motion id that is not among the body's counted ones is a field error."""
    _, convener, _, item, _ = _counted(client, login_as)
    login_as(convener)
    data = {"text": "甲", "kind": "roll_call", "rule_choice": "default", "rescinds": "99999"}
    data["threshold_value"] = "1/2"
    response = client.post(f"/items/{item.id}/motions/new", data=data)
    assert response.status_code == 200 and 'class="field-error"' in response.text
    assert db.session.scalar(sa.select(sa.func.count()).select_from(Motion)) == 1


# --- 3. results in seats ----------------------------------------------------------------------


def test_seat_rows_add_up_with_present_but_not_voted(app, ctx):
    """应到 / 实到 / 赞成 / 反对 / 弃权 / 未投票: yes + no + abstain + not voted = present."""
    frozen = {
        "constituencies": [
            {"id": "a", "name": "商户", "seats": 4, "share": None},
            {"id": "b", "name": "居民", "seats": 5, "share": None},
        ],
        "present": {"a": 4, "b": 3},
        "votes": {"a": {"yes": 1, "no": 1, "abstain": 1}, "b": {"yes": 3, "no": 0, "abstain": 0}},
        "rule": SEAT_RULE,
        "result": {"passed": True},
    }
    rows = record.seat_rows(frozen)
    assert [(r.seats, r.present, r.yes, r.no, r.abstain, r.not_voted) for r in rows] == [
        (4, 4, 1, 1, 1, 1),
        (5, 3, 3, 0, 0, 0),
    ]
    total = record.total_row(rows)
    assert (total.seats, total.present, total.not_voted, total.absent) == (9, 7, 1, 2)


def test_sentence_says_seats_first_in_the_readers_language(app, ctx, client, login_as):
    """The sentence starts with the seats; an English reader reads it in English."""
    _, convener, _, _, motion = _counted(client, login_as)
    zh = record.record_of(motion, "zh")
    words = record.sentence(zh, lambda text, **v: text % v)
    assert words.startswith("赞成 2 席、反对 1 席、弃权 0 席（出席未投票 1 席）；")
    assert "赞成占 2/3" in words
    en = record.record_of(motion, "en")
    assert en.explanation.startswith("Passed:") and "2/3" in en.explanation
    assert motion.frozen["result"]["explanation"] == zh.explanation  # frozen in Chinese
    login_as(convener)
    client.post("/preferences/language", data={"language": "en"})
    page = client.get(f"/motions/{motion.id}").text
    assert "Seats: 2 yes, 1 no, 0 abstain" in page and "Passed:" in page


def test_every_result_page_has_the_seat_table(app, ctx, client, login_as):
    """Convener page, projector and minutes each show 未投票 beside 应到/实到."""
    _, convener, meeting, item, motion = _counted(client, login_as)
    meeting.current_item_id = item.id
    db.session.commit()
    login_as(convener)
    for url in (
        f"/motions/{motion.id}",
        f"/meetings/{meeting.id}/vote-panel",
        f"/meetings/{meeting.id}/minutes",
    ):
        page = re.sub(r">\s+<", "><", client.get(url).text)
        assert "未投票" in page and "应到" in page and "实到" in page, url
        assert "<td>12</td><td>4</td><td>2</td><td>1</td><td>0</td><td>1</td>" in page, url


# --- 2. roll-call means named -----------------------------------------------------------------


def test_roll_call_names_every_seat_with_the_proxy_holder(app, ctx, client, login_as):
    """One row per seat: choice, not voted, absent; a proxy's ballot names its holder."""
    body, _, _, _, motion = _counted(client, login_as)
    roll = motion.frozen["roll"]
    assert len(roll) == sum(c.seats for c in body.constituencies)
    first, second, third, fourth, fifth = roll[:5]
    assert (first["member"], first["choice"], first["via"]) == ("community1", "yes", "")
    assert second["choice"] == "no"
    assert (third["member"], third["voter"], third["via"]) == ("community3", "community1", "proxy")
    assert fourth["choice"] == record.NOT_VOTED and fifth["choice"] == record.ABSENT


def test_roll_call_names_public_after_close_never_for_secret(app, ctx, client, login_as):
    """Anonymous readers see roll-call names in the closed meeting's minutes; never if secret."""
    _, convener, meeting, item, motion = _counted(client, login_as)
    secret_id = _motion_via_web(client, login_as, convener, item, kind="secret")
    client.post(f"/motions/{secret_id}/open", data=CONFIRMED)
    client.post(f"/motions/{secret_id}/close", data=CONFIRMED)
    client.post(f"/meetings/{meeting.id}/status", data={"action": "close", **CONFIRMED})
    db.session.expire_all()
    assert db.session.get(Motion, secret_id).frozen.get("roll") is None
    client.post("/sign-out")
    minutes = client.get(f"/meetings/{meeting.id}/minutes").text
    assert minutes.count('<section class="roll-call">') == 1
    assert "受托人 community1" in minutes and "出席未投票" in minutes
    rows = list(
        csv.DictReader(io.StringIO(client.get("/open-data/votes.csv").text.lstrip("\ufeff")))
    )
    assert {int(r["motion_id"]) for r in rows} == {motion.id}
    assert len(rows) == len(motion.frozen["roll"])
    assert rows[2]["via"] == "proxy" and rows[2]["cast_by"] == "community1"
    seats = client.get("/open-data/vote-seats.csv").text
    assert str(secret_id) in seats and "not_voted" in seats


def test_roll_call_not_in_open_data_while_minutes_are_members_only(app, ctx, client, login_as):
    """A body keeping its minutes to members publishes no names until a resolution is 公示."""
    body, convener, meeting, _, motion = _counted(client, login_as)
    body.minutes_members_only = True
    db.session.commit()
    client.post(f"/meetings/{meeting.id}/status", data={"action": "close", **CONFIRMED})
    client.post("/sign-out")
    assert client.get("/open-data/votes.json").json == []
    assert client.get(f"/meetings/{meeting.id}/minutes").status_code == 302


# --- 6. no irreversible step on one tap -------------------------------------------------------


def test_closing_a_vote_needs_the_explicit_second_step(app, ctx, client, login_as):
    """A post without the second step asks on the same page; the motion stays open."""
    body, convener, meeting, item = sitting()
    motion_id = _motion_via_web(client, login_as, convener, item)
    client.post(f"/motions/{motion_id}/open", data=CONFIRMED)
    asked = client.post(f"/motions/{motion_id}/close")
    assert asked.status_code == 302 and asked.location.endswith("?confirm=close#confirm-close")
    db.session.expire_all()
    assert db.session.get(Motion, motion_id).status == "open"
    page = client.get(f"/motions/{motion_id}?confirm=close").text
    assert "确认：结束表决并计票" in page and "这一步不能撤回" in page
    assert 'name="confirmed" value="yes"' in page and "confirm(" not in page


def test_opening_without_quorum_says_so_and_needs_the_second_step(app, ctx, client, login_as):
    """现在实到 2/25 席，不足法定人数: said on the page; opening needs the explicit step."""
    body, convener, meeting, item = sitting()  # the worked rule: quorum more than half
    check_in(meeting, seats_of(body, "community")[:2])
    login_as(convener)
    data = {"text": "甲", "kind": "roll_call", "rule_choice": "default", "threshold_value": "1/2"}
    motion_id = int(client.post(f"/items/{item.id}/motions/new", data=data).location.split("/")[-1])
    page = client.get(f"/motions/{motion_id}").text
    assert "现在实到 2/25 席，不足法定人数；表决将因法定人数不足而不通过" in page
    assert client.post(f"/motions/{motion_id}/open").location.endswith("confirm=open#confirm-open")
    db.session.expire_all()
    assert db.session.get(Motion, motion_id).status == "draft"
    assert client.post(f"/motions/{motion_id}/open", data=CONFIRMED).status_code == 302
    db.session.expire_all()
    assert db.session.get(Motion, motion_id).status == "open"


def test_closing_the_meeting_needs_the_explicit_second_step(app, ctx, client, login_as):
    """结束会议 without the second step shows the box; with it the meeting closes."""
    _, convener, meeting, _ = sitting()
    login_as(convener)
    asked = client.post(f"/meetings/{meeting.id}/status", data={"action": "close"})
    assert asked.location.endswith("confirm=close#confirm-close")
    page = client.get(f"/meetings/{meeting.id}/manage?confirm=close").text
    assert "确认：结束会议" in page and "不能撤回" in page
    db.session.expire_all()
    assert meeting.status == "in_session"
    client.post(f"/meetings/{meeting.id}/status", data={"action": "close", **CONFIRMED})
    db.session.expire_all()
    assert db.session.get(type(meeting), meeting.id).status == "closed"
