"""Public pages of the board (公示栏): no sign-in, nothing private, fast on a phone."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, render_template, request
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.followup import rules
from app.followup.forms import today
from app.models import (
    Body,
    Motion,
    Rating,
    Resolution,
    ResolutionCorrection,
    ResponsibleUnit,
    Task,
    Topic,
)
from app.web import htmx

bp = Blueprint("board", __name__)

RECENT = 10
PER_PAGE = 10
#: Filter words for task progress on the list of resolutions.
PROGRESS_FILTERS = ("open", "done", "overdue")


def _published():
    """Published resolutions with what the board shows of them loaded up front (no N+1)."""
    return (
        sa.select(Resolution)
        .where(Resolution.status == "published")
        .options(
            selectinload(Resolution.tasks).selectinload(Task.unit),
            selectinload(Resolution.body),
        )
        .order_by(Resolution.published_at.desc(), Resolution.id.desc())
    )


@bp.get("/")
def index():
    """The home page: the bodies and their latest published resolutions with task progress."""
    bodies = db.session.scalars(
        sa.select(Body).options(selectinload(Body.constituencies)).order_by(Body.id)
    ).all()
    resolutions = db.session.scalars(_published().limit(RECENT)).all()
    return render_template("board/index.html", bodies=bodies, resolutions=resolutions)


def _filtered(args) -> sa.Select:
    """The published resolutions matching the board's filters (body, year, progress, unit)."""
    query = _published()
    if slug := args.get("body"):
        query = query.where(Resolution.body.has(Body.slug == slug))
    if (year := args.get("year", type=int)) is not None:
        query = query.where(Resolution.year == year)
    if unit := args.get("unit"):
        query = query.where(Resolution.tasks.any(Task.unit.has(ResponsibleUnit.slug == unit)))
    status = args.get("status")
    if status == "open":
        query = query.where(Resolution.tasks.any(Task.status != "closed"))
    elif status == "done":
        query = query.where(Resolution.tasks.any(), ~Resolution.tasks.any(Task.status != "closed"))
    elif status == "overdue":
        query = query.where(
            Resolution.tasks.any(
                sa.and_(Task.deadline < today(), Task.status.not_in(rules.FINISHED))
            )
        )
    return query


@dataclass(frozen=True)
class BoardPage:
    """One page of the board's list.

    It knows whether a next page exists by asking for one row more than it shows, instead of
    counting every matching row: with 100,000 resolutions an exact total costs more than the
    page itself, and "next page" is all a reader needs.
    """

    number: int
    items: list
    has_next: bool

    @property
    def has_prev(self) -> bool:
        """Whether there is a page before this one."""
        return self.number > 1


def _page_of(query: sa.Select, number: int) -> BoardPage:
    rows = db.session.scalars(query.limit(PER_PAGE + 1).offset((number - 1) * PER_PAGE)).all()
    return BoardPage(number, list(rows[:PER_PAGE]), len(rows) > PER_PAGE)


@bp.get("/board/resolutions")
def resolutions():
    """All published resolutions, filtered by body, year, progress and unit, a page at a time."""
    number = max(request.args.get("page", 1, type=int), 1)
    page = _page_of(_filtered(request.args), number)
    filters = {
        "bodies": db.session.scalars(sa.select(Body).order_by(Body.id)).all(),
        "units": db.session.scalars(
            sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name)
        ).all(),
        "years": db.session.scalars(
            sa.select(Resolution.year)
            .where(Resolution.status == "published")
            .distinct()
            .order_by(Resolution.year.desc())
        ).all(),
    }
    return htmx.render(
        "board/resolutions.html",
        "board/partials/resolution_list.html",
        page=page,
        args=request.args,
        **filters,
    )


def published_or_404(resolution_id: int) -> Resolution:
    """A published resolution, or 404: drafts do not exist for the public."""
    resolution = db.session.scalar(
        sa.select(Resolution)
        .where(Resolution.id == resolution_id, Resolution.status == "published")
        .options(
            selectinload(Resolution.tasks).selectinload(Task.updates),
            selectinload(Resolution.tasks).selectinload(Task.unit),
            selectinload(Resolution.topics).selectinload(Topic.events),
            selectinload(Resolution.motion).selectinload(Motion.meeting),
        )
    )
    if resolution is None:
        abort(404)
    return resolution


@bp.get("/resolutions/<int:resolution_id>")
def resolution(resolution_id: int):
    """A published resolution: its vote result, its tasks' timelines, corrections, topics' fate."""
    resolution = published_or_404(resolution_id)
    corrections = db.session.scalars(
        sa.select(ResolutionCorrection)
        .where(ResolutionCorrection.resolution_id == resolution.id)
        .order_by(ResolutionCorrection.id)
    ).all()
    ratings = db.session.scalars(
        sa.select(Rating).where(Rating.task_id.in_([t.id for t in resolution.tasks]))
    ).all()
    by_task = {
        t.id: rules.rating_counts(
            [r.value for r in ratings if r.task_id == t.id and r.round == t.round]
        )
        for t in resolution.tasks
    }
    return render_template(
        "board/resolution.html",
        resolution=resolution,
        corrections=corrections,
        rating_counts=by_task,
        tasks=rules.overdue_first(list(resolution.tasks), today()),
    )


@bp.get("/b/<slug>")
def body(slug: str):
    """A body's public page: constituencies, recent resolutions, links to topics and meetings."""
    body = db.first_or_404(
        sa.select(Body).where(Body.slug == slug).options(selectinload(Body.constituencies))
    )
    resolutions = db.session.scalars(
        _published().where(Resolution.body_id == body.id).limit(RECENT)
    ).all()
    return render_template("board/body.html", body=body, resolutions=resolutions)


def _period(args) -> tuple[date, date]:
    """The period of a unit's record: ``?year=`` (default: this year), as first and last day."""
    year = args.get("year", type=int) or today().year
    return date(year, 1, 1), date(year, 12, 31)


@bp.get("/units/<slug>")
def unit(slug: str):
    """A unit's public record (履责信用): response, on-time and satisfaction rates for a year."""
    unit = db.first_or_404(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))
    start, end = _period(request.args)
    tasks = db.session.scalars(
        sa.select(Task)
        .join(Resolution)
        .where(Task.unit_id == unit.id, Resolution.status == "published")
        .options(selectinload(Task.resolution))
        .order_by(Task.deadline)
    ).all()
    counted = [t for t in tasks if start <= rules.local_today(t.assigned_at) <= end]
    values = db.session.scalars(
        sa.select(Rating.value).where(Rating.task_id.in_([t.id for t in counted]))
    ).all()
    record = rules.unit_record(list(tasks), list(values), start, end)
    return render_template(
        "board/unit.html", unit=unit, record=record, tasks=rules.overdue_first(counted, today())
    )
