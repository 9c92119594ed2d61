"""The monthly ranking on the public board and the unit's dashboard (接诉即办 rates)."""

from datetime import datetime, timedelta

import time_machine

from app.extensions import db
from app.models import Rating
from tests.followup.helpers import make_resolution, make_task

NOV = datetime(2026, 11, 2, 1, 0)


def _month(world):
    """A month of two units' tasks and return visits.

    Unit 1: two tasks signed on time, visits 非常满意 (solved) and 基本满意 (not solved);
    unit 2: one task signed late, a 不满意 visit; one of unit 2's tasks excluded (核减).
    """
    resolution = make_resolution(world["body"], title="十一月的决议")
    good = [
        make_task(
            resolution,
            world["unit"],
            status="closed",
            title=f"好事{n}",
            assigned_at=NOV,
            accepted_at=NOV + timedelta(hours=1),
        )
        for n in range(2)
    ]
    late = make_task(
        resolution,
        world["other_unit"],
        status="closed",
        title="慢事",
        assigned_at=NOV,
        accepted_at=NOV + timedelta(hours=30),
        signed_late=True,
    )
    make_task(
        resolution,
        world["other_unit"],
        status="closed",
        title="无理诉求",
        assigned_at=NOV,
        excluded_reason="要求物业赔偿邻居装修损失，不属于本会职责",
    )
    member = world["members"][0]
    for task, value, solved in (
        (good[0], "very_satisfied", True),
        (good[1], "basic", False),
        (late, "unsatisfied", False),
    ):
        db.session.add(
            Rating(task_id=task.id, round=1, user_id=member.id, value=value, solved=solved)
        )
    db.session.commit()


@time_machine.travel("2026-11-27 10:00 +0800", tick=False)
def test_monthly_ranking_orders_units_and_prints_definitions(world, client):
    """Unit 1 (综合 73.0%) ranks above unit 2 (0.0%); 核减 reason and the definitions are public."""
    _month(world)
    html = client.get("/b/huaxing/ranking?month=2026-11").get_data(as_text=True)
    first, second = html.index(world["unit"].name), html.index(world["other_unit"].name)
    assert first < second and "第 1 名" in html and "第 2 名" in html
    # unit 1: 响应 1, 解决 1/2, 满意 (1 + 0.9)/2 = 0.95 → 0.1 + 0.25 + 0.38 = 73.0%
    assert "73.0%" in html and "95.0%" in html
    # unit 2: 响应 0, 解决 0, 满意 0 → 0.0%; the excluded task is left out and explained
    assert "不属于本会职责" in html and "核减 1 项" in html
    assert "0.9 × 基本满意" in html and "0.1 × 响应率 + 0.5 × 解决率 + 0.4 × 满意率" in html
    october = client.get("/b/huaxing/ranking?month=2026-10").get_data(as_text=True)
    assert "这个月没有派出的督办事项" in october
    assert client.get("/b/huaxing/ranking?month=2026-13").status_code == 404
    assert "/b/huaxing/ranking" in client.get("/b/huaxing").get_data(as_text=True)


@time_machine.travel("2026-11-27 10:00 +0800", tick=False)
def test_unit_dashboard_shows_rates_levels_and_unrated(world, client):
    """The unit's page shows 综合 and the five levels; a closed task without a visit is 未评价."""
    _month(world)
    make_task(
        make_resolution(world["body"]),
        world["unit"],
        status="completed",
        assigned_at=NOV,
        accepted_at=NOV,
    )
    html = client.get(f"/units/{world['unit'].slug}?month=2026-11").get_data(as_text=True)
    assert "接诉即办考核" in html and "73.0%" in html
    assert "非常满意：1" in html and "基本满意：1" in html and "未评价：1 项" in html
