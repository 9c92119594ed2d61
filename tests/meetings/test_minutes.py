"""The minutes (会议纪要) gathered from a meeting and written out as Markdown."""

from datetime import date

from app.extensions import db
from app.meetings import minutes
from app.models import AgendaItem, Attendance, Motion, Proxy, Resolution, Substitute, User
from tests.factories import make_body, make_meeting

KINDS = {"information": "信息通报", "discussion": "讨论", "decision": "表决"}


def say(text, **values):
    """A gettext stand-in: the Chinese msgid, formatted."""
    return text % values if values else text


def _closed_meeting():
    body = make_body(
        constituencies=[("居民", 3, None, False), ("商户", 2, None, True)],
        rule={
            "weighting": "seat",
            "base": "cast",
            "threshold": {"op": ">", "value": "1/2"},
            "quorum": {"op": ">", "value": "1/2"},
        },
        holders=False,
    )
    seats = [s for c in body.constituencies for s in c.seat_list]
    for seat in seats:
        seat.holder = User(name=f"{seat.constituency.key}{seat.number}")
    convener = User(name="赵召集")
    db.session.add(convener)
    db.session.commit()
    meeting = make_meeting(body, status="closed", place="会议室")
    vote = AgendaItem(
        meeting_id=meeting.id, position=1, kind="decision", title="共享厕所", notes="商户踊跃报名。"
    )
    info = AgendaItem(meeting_id=meeting.id, position=2, kind="information", title="通报")
    db.session.add_all([vote, info])
    db.session.flush()
    for seat in seats[:3]:
        db.session.add(
            Attendance(meeting_id=meeting.id, seat_id=seat.id, user_id=seat.holder_id, method="qr")
        )
    db.session.add(
        Substitute(
            meeting_id=meeting.id, seat_id=seats[1].id, user_id=convener.id, set_by_id=convener.id
        )
    )
    db.session.add(
        Proxy(
            meeting_id=meeting.id,
            seat_id=seats[3].id,
            holder_id=seats[0].holder_id,
            set_by_id=convener.id,
        )
    )
    passed = Motion(
        meeting_id=meeting.id,
        agenda_item_id=vote.id,
        text="同意开放共享厕所",
        rule={},
        status="closed",
        frozen={
            "result": {
                "passed": True,
                "yes": "3/4",
                "no": "1",
                "abstain": "0",
                "ratio": "3/4",
                "explanation": "赞成 3/4，超过半数，通过",
            },
            "votes": {
                "居民": {"yes": 2, "no": 1, "abstain": 0},
                "商户": {"yes": 1, "no": 0, "abstain": 0},
            },
            "constituencies": [
                {"id": "居民", "name": "居民", "seats": 3, "share": None},
                {"id": "商户", "name": "商户", "seats": 2, "share": None},
            ],
            "present": {"居民": 3, "商户": 1},
            "rule": {"weighting": "seat", "base": "cast"},
        },
    )
    cancelled = Motion(
        meeting_id=meeting.id,
        agenda_item_id=vote.id,
        text="另一个方案",
        rule={},
        status="cancelled",
        cancel_reason="并入上一个动议",
    )
    db.session.add_all([passed, cancelled])
    db.session.flush()
    db.session.add(
        Resolution(
            body_id=body.id,
            motion_id=passed.id,
            year=2026,
            number=3,
            number_text="联席〔2026〕3号",
            title="共享厕所行动",
            text="……",
            decided_on=date(2026, 12, 1),
        )
    )
    db.session.commit()
    return meeting


def test_minutes_collect_attendance_roster_and_outcomes(app, ctx):
    """Attendance counts a present proxy; substitutes, proxies, outcomes and resolution appear."""
    data = minutes.collect(db.session, _closed_meeting())
    assert [(r.name, r.seats, r.present, r.rate) for r in data.attendance] == [
        ("居民", 3, 3, "100.0%"),
        ("商户", 2, 1, "50.0%"),
    ]
    assert (data.total.present, data.total.seats, data.quorum.met) == (4, 5, True)
    assert data.substitutes[0].to == "赵召集" and data.substitutes[0].set_by == "赵召集"
    assert data.proxies[0].to == "居民1"
    outcomes = data.items[0].outcomes
    assert [o.status for o in outcomes] == ["closed", "cancelled"]
    assert outcomes[0].resolution == "联席〔2026〕3号 共享厕所行动"
    assert data.items[1].outcomes == []


def test_minutes_markdown(app, ctx):
    """The Markdown has the attendance table, proxies, each item's outcome and the notes."""
    data = minutes.collect(db.session, _closed_meeting())
    text = minutes.markdown(data, when="2026-12-01 14:30", kinds=KINDS, _=say)
    assert "| 界别 | 应到 | 实到 | 出席率 |" in text
    assert "| 商户 | 2 | 1 | 50.0% |" in text
    assert "| **合计** | 5 | 4 | 80.0% |" in text
    assert "已达到法定人数" in text
    assert "委托 居民1 表决" in text and "由 赵召集 替补" in text
    assert "### 1. 共享厕所（表决）" in text
    assert "结果：通过" in text and "赞成 3 席、反对 1 席、弃权 0 席" in text
    assert "| 商户 | 2 | 1 | 1 | 0 | 0 | 0 |" in text  # 应到 实到 赞成 反对 弃权 未投票
    assert "已撤销：并入上一个动议" in text
    assert "形成决议：联席〔2026〕3号 共享厕所行动" in text
    assert "商户踊跃报名。" in text
