"""The inbox (待我签收 / 待我处理 / 待我评价 / 催办): its rules, the header count and 我的."""

from datetime import date

import time_machine

from app.extensions import db
from app.followup import inbox
from app.models import Rating, TaskExtension
from tests.followup.helpers import make_resolution, make_task


@time_machine.travel("2026-10-20 10:00 +0800", tick=False)
def test_each_person_sees_what_waits_for_them(world, login_as, client):
    """Each list holds exactly its tasks, for each role.

    Staff: sign and handle (and urged when late); convener: handed back, completed, pending
    extension; member: completed not yet rated by them; a draft resolution's tasks nowhere.
    """
    r, unit = world["resolution"], world["unit"]
    to_sign = make_task(r, unit, status="assigned", title="待签", deadline=date(2026, 11, 1))
    late = make_task(r, unit, status="in_progress", title="晚了", deadline=date(2026, 10, 9))
    back = make_task(r, unit, status="declined", title="退回的")
    done = make_task(r, unit, status="completed", title="办完的")
    asked = make_task(r, unit, status="accepted", title="要延期", deadline=date(2026, 11, 1))
    db.session.add(
        TaskExtension(
            task_id=asked.id,
            reason="等料",
            original_deadline=date(2026, 11, 1),
            requested_deadline=date(2026, 11, 9),
        )
    )
    make_task(make_resolution(world["body"], status="draft"), unit, title="草稿里的")
    db.session.add(Rating(task_id=done.id, round=1, user_id=world["members"][1].id, value="basic"))
    db.session.commit()
    today = date(2026, 10, 20)

    staff = inbox.inbox(db.session, world["staff"], today)
    assert [t.title for t in staff.sign] == [to_sign.title]
    assert {t.title for t in staff.handle} == {"晚了", "要延期"}
    assert [t.title for t in staff.urged] == [late.title] and staff.rate == []
    convener = inbox.inbox(db.session, world["convener"], today)
    assert {t.title for t in convener.handle} == {back.title, done.title, asked.title}
    first, second = (inbox.inbox(db.session, m, today) for m in world["members"][:2])
    assert [t.title for t in first.rate] == [done.title] and second.rate == []
    assert inbox.inbox(db.session, world["outsider"], today).count == 0
    for person in (world["staff"], world["convener"], world["members"][0]):
        expected = inbox.inbox(db.session, person, today).count
        assert inbox.inbox_count(db.session, person, today) == expected

    login_as(world["staff"])
    page = client.get("/me").get_data(as_text=True)
    assert "4 项待办" in page and "待我签收" in page and "催办" in page and "草稿里的" not in page


@time_machine.travel("2026-10-20 10:00 +0800", tick=False)
def test_header_count_leaves_when_the_task_is_signed(world, login_as, client):
    """签收 takes the task out of 待我签收 at once: the inbox is computed, never stale."""
    task = make_task(world["resolution"], world["unit"], deadline=date(2026, 11, 1))
    login_as(world["staff"])
    assert "1 项待办" in client.get("/b/huaxing").get_data(as_text=True)
    client.post(f"/tasks/{task.id}/accept")
    page = client.get("/me").get_data(as_text=True)
    assert "1 项待办" in page and "待我处理" in page and "待我签收" not in page


@time_machine.travel("2026-10-20 10:00 +0800", tick=False)
def test_the_count_asks_only_for_the_lists_of_the_persons_roles(world):
    """A member's count has no unit's or convener's branch; someone with no role counts nothing.

    An OR with a branch that can match nothing still made PostgreSQL read every task (a quarter
    of a second per page on 300,000 tasks); now the person's roles are read first.
    """
    from tests.voting.test_web_progress import counted_statements

    done = make_task(world["resolution"], world["unit"], status="completed", title="办完的")
    db.session.commit()
    today = date(2026, 10, 20)
    assert inbox.roles_of(db.session, world["members"][0].id) == inbox.Roles(False, False, True)
    assert inbox.roles_of(db.session, world["staff"].id) == inbox.Roles(True, False, False)
    with counted_statements() as statements:
        assert inbox.inbox_count(db.session, world["members"][0], today) == 1
    count = statements[-1]
    assert "ratings" in count and "unit_staff" not in count and "conveners" not in count
    with counted_statements() as statements:
        assert inbox.inbox_count(db.session, world["outsider"], today) == 0
    assert "FROM unit_staff" in statements[-1]  # the roles, and no count after them
    assert not [s for s in statements if "count(" in s]
    assert inbox.inbox(db.session, world["members"][0], today).rate == [done]
