"""Public pages of the board (公示栏): no sign-in, nothing private, fast on a phone."""

from datetime import date, timedelta

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse

from app import audit, clock, policy, ratelimits
from app.board import access, queries
from app.clock import today
from app.extensions import db
from app.followup import access as followup_access
from app.followup import notice, rates, rules
from app.followup import queries as followup_queries
from app.followup.forms import ObjectionAnswerForm, ObjectionForm
from app.web import htmx

bp = Blueprint("board", __name__)


#: A unit serves several bodies: its own dashboard counts by the documented defaults.
DEFAULT_DEFINITIONS = rates.Definitions.parse(None)


@bp.get("/")
def index():
    """The home page: the bodies and their latest published resolutions with task progress."""
    return render_template(
        "board/index.html",
        bodies=queries.bodies(db.session),
        resolutions=queries.recent_resolutions(db.session),
        audit_head=audit.head(db.session),
    )


@bp.get("/board/resolutions")
def resolutions():
    """All published resolutions, filtered by body, year, progress and unit, a page at a time."""
    number = max(request.args.get("page", 1, type=int), 1)
    query = queries.filtered(queries.BoardFilter.from_args(request.args), today())
    return htmx.render(
        "board/resolutions.html",
        "board/partials/resolution_list.html",
        page=queries.page_of(db.session, query, number),
        args=request.args,
        **queries.filter_choices(db.session),
    )


@bp.get("/resolutions/<int:resolution_id>")
def resolution(resolution_id: int):
    """A published resolution: its vote result, its tasks' timelines, corrections, topics' fate."""
    return _resolution_page(access.published_or_404(resolution_id))


@bp.post("/resolutions/<int:resolution_id>/objections")
def object_to(resolution_id: int):
    """Anyone files an objection (异议) during the notice period and gets a receipt number.

    A valid objection takes its place in the address's hourly budget before it is stored (an
    atomic count, so a burst stores no more than the limit); one over it gets the form back
    with the typed text and the wait in words. Forms sent back with errors do not count.
    """
    resolution = access.published_or_404(resolution_id)
    form = ObjectionForm()
    if not resolution.in_notice(today()):
        return redirect(url_for("board.resolution", resolution_id=resolution.id) + "#notice")
    if not form.validate_on_submit():
        return _resolution_page(resolution, 422, objection_form=form)
    attempt = ratelimits.objection_attempt()
    if attempt.refused:
        page, status = _resolution_page(
            resolution,
            429,
            objection_form=form,
            limited=attempt.minutes_left(),
            per_hour=parse(current_app.config["LIANXI_OBJECTION_LIMIT_IP"]).amount,
        )
        return page, status, {"Retry-After": attempt.retry_after()}
    objection = notice.object_to(
        resolution, form.text.data, form.name.data or "", today=today(), now=clock.now()
    )
    db.session.add(objection)
    audit.record("objection.filed", objection, after={"receipt_no": objection.receipt_no})
    db.session.commit()
    flash(_("已收到您的异议，回执编号 %(no)s。召集人会在这里公开答复。", no=objection.receipt_no))
    return redirect(url_for("board.resolution", resolution_id=resolution.id) + "#notice", 303)


def _resolution_page(resolution, status: int = 200, limited: int = 0, per_hour: int = 0, **forms):
    g.work_calendar = followup_queries.work_calendar(db.session)
    ratings = queries.ratings_of(db.session, resolution.tasks)
    return render_template(
        "board/resolution.html",
        resolution=resolution,
        corrections=followup_queries.corrections_of(db.session, resolution.id),
        rating_counts=rules.round_rating_counts(resolution.tasks, ratings),
        tasks=rules.overdue_first(list(resolution.tasks), today()),
        roles=followup_access.body_roles(resolution.body),
        today=today(),
        in_force_from=notice.in_force_from(resolution),
        objections=followup_queries.objections_of(db.session, resolution.id),
        objection_form=forms.get("objection_form") or ObjectionForm(formdata=None),
        answer_form=ObjectionAnswerForm(formdata=None),
        limited=limited,
        per_hour=per_hour,
    ), status


@bp.get("/b/<slug>")
def body(slug: str):
    """A body's public page: constituencies, recent resolutions, links to topics and meetings."""
    body = access.body_or_404(slug)
    return render_template(
        "board/body.html",
        body=body,
        resolutions=queries.recent_resolutions(db.session, body.id),
        is_convener=policy.is_convener(current_user, body),
    )


def _period(args) -> tuple[date, date]:
    """The period of a unit's record: ``?year=`` (default: this year), as first and last day."""
    year = args.get("year", type=int) or today().year
    return date(year, 1, 1), date(year, 12, 31)


def _month(args) -> tuple[str, date, date]:
    """The ranking's month: ``?month=YYYY-MM`` (default: this month); 404 for nonsense."""
    month = args.get("month") or today().strftime("%Y-%m")
    try:
        start, end = rates.month_bounds(month)
    except ValueError:
        abort(404)
    return month, start, end


@bp.get("/units/<slug>")
def unit(slug: str):
    """A unit's dashboard (履责信用): its 接诉即办 rates, visits and record, for a month or year."""
    unit = access.unit_or_404(slug)
    month = request.args.get("month")
    start, end = _month(request.args)[1:] if month else _period(request.args)
    tz = current_app.config["LIANXI_TIMEZONE"]
    g.work_calendar = followup_queries.work_calendar(db.session)
    tasks = queries.published_tasks_of_unit(db.session, unit.id)
    counted = rules.assigned_within(tasks, start, end, tz)
    visits = queries.ratings_of(db.session, counted)
    facts, plain_visits = rules.rate_inputs(counted, visits)
    return render_template(
        "board/unit.html",
        unit=unit,
        record=rules.unit_record(tasks, [v.value for v in visits], start, end, tz),
        rates=rates.unit_rates(facts, plain_visits, DEFAULT_DEFINITIONS, now=clock.now()),
        rates_definitions=DEFAULT_DEFINITIONS,
        tasks=rules.overdue_first(counted, today()),
        excluded=[t for t in counted if t.is_excluded],
    )


@bp.get("/b/<slug>/ranking")
def ranking(slug: str):
    """The body's monthly ranking of units by 综合, with the definitions it counts by."""
    body = access.body_or_404(slug)
    month, start, end = _month(request.args)
    tz = current_app.config["LIANXI_TIMEZONE"]
    tasks = rules.assigned_within(
        queries.published_tasks_of_body(db.session, body.id), start, end, tz
    )
    definitions = rates.Definitions.parse(body.rate_definitions)
    return render_template(
        "board/ranking.html",
        body=body,
        month=month,
        start=start,
        end=end,
        previous=(start - timedelta(days=1)).strftime("%Y-%m"),
        following=(end + timedelta(days=1)).strftime("%Y-%m"),
        definitions=definitions,
        rows=rules.units_ranking(
            tasks,
            queries.ratings_of(db.session, tasks),
            definitions,
            now=clock.now(),
            sign_hours=body.sign_hours,
        ),
        excluded=[t for t in tasks if t.is_excluded],
    )
