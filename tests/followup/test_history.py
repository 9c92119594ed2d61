"""History never rewrites itself (issue 14, point 7): round deadlines, drafts kept private."""

from datetime import date, datetime

import sqlalchemy as sa
import time_machine

from app.extensions import db
from app.followup import rules
from app.models import Rating, Task
from tests.followup.helpers import make_resolution, make_task, make_topic

#: A return visit in three answers (contacted, solved, satisfaction).
VISIT = {"contacted": "yes", "solved": "yes", "value": "satisfied"}

TODAY = "2026-10-01 10:00 +0800"
NOW = datetime(2026, 10, 1, 2, 0)


@time_machine.travel(TODAY, tick=False)
def test_a_reopened_task_keeps_each_rounds_deadline(world, login_as):
    """The first line still says the original deadline; the reopening adds 第 2 轮，截止 ….."""
    task = rules.assign(
        db.session,
        world["resolution"],
        unit_id=world["unit"].id,
        title="开放厕所",
        done_definition="挂牌",
        deadline=date(2026, 10, 20),
        now=NOW,
    )
    db.session.commit()
    rules.accept(task, now=NOW)
    rules.complete(task, "已挂牌", now=NOW)
    rules.reopen(task, date(2026, 11, 15), now=NOW, today=date(2026, 10, 1), note="不够")
    db.session.commit()
    assert (task.first_deadline, task.deadline, task.round) == (
        date(2026, 10, 20),
        date(2026, 11, 15),
        2,
    )
    assert task.updates[-1].deadline == date(2026, 11, 15)
    page = login_as(world["convener"]).get(f"/tasks/{task.id}").text
    assert "截止 2026年10月20日" in page
    assert "第 2 轮，截止 2026年11月15日" in page


def test_tasks_of_a_draft_resolution_are_the_conveners_only(world, login_as, client):
    """Unit staff and members neither see nor act on a draft resolution's task; then they do."""
    draft = make_resolution(world["body"], status="draft")
    task = make_task(draft, world["unit"])
    assert rules.roles_seeing(task, {"unit", "member", "convener"}) == {"convener"}
    for person in (world["staff"], world["members"][0]):
        assert login_as(person).get(f"/tasks/{task.id}").status_code == 403
    listing = login_as(world["staff"]).get(f"/units/{world['unit'].slug}/tasks").text
    assert task.title not in listing
    assert login_as(world["staff"]).post(f"/tasks/{task.id}/accept").status_code == 403
    assert login_as(world["convener"]).get(f"/tasks/{task.id}").status_code == 200
    draft.status, draft.published_at = "published", NOW
    db.session.commit()
    assert login_as(world["staff"]).get(f"/tasks/{task.id}").status_code == 200
    assert db.session.get(Task, task.id).is_public


def test_the_submitter_of_a_merged_topic_still_follows_it(world, client):
    """Their link shows the survivor, its resolution and tasks, and lets them rate its tasks."""
    survivor, _ = make_topic(world["body"], status="decided")
    merged, token = make_topic(world["body"], status="merged", merged_into_id=survivor.id)
    world["resolution"].topics.append(survivor)
    task = make_task(world["resolution"], world["unit"], status="completed", title="挂牌")
    db.session.commit()
    page = client.get(f"/t/{token}").text
    assert survivor.title in page and world["resolution"].number_text in page
    assert f"/t/{token}/tasks/{task.id}/rating" in page
    assert (
        client.post(
            f"/t/{token}/tasks/{task.id}/rating",
            data={"contacted": "yes", "solved": "yes", "value": "satisfied"},
        ).status_code
        == 302
    )
    rating = db.session.scalar(sa.select(Rating))
    assert (rating.task_id, rating.topic_id, rating.value) == (task.id, merged.id, "satisfied")
    other, other_token = make_topic(world["body"], status="submitted")
    url = f"/t/{other_token}/tasks/{task.id}/rating"
    assert (
        client.post(
            url, data={"contacted": "yes", "solved": "yes", "value": "satisfied"}
        ).status_code
        == 404
    )
