"""Follow-up pages (督办): resolutions from passed motions, tasks, progress, ratings, units."""

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    send_file,
    url_for,
)
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import request
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import selectinload
from wtforms.validators import Optional

from app import audit, clock, policy
from app.extensions import db
from app.followup import access, labels, resolving, rules, uploads
from app.followup.forms import (
    CloseForm,
    CompleteForm,
    CorrectionForm,
    DeclineForm,
    ProgressForm,
    RatingForm,
    ReassignForm,
    ReopenForm,
    ResolutionForm,
    TaskForm,
    today,
)
from app.models import Rating, Resolution, ResponsibleUnit, Task, Topic, UnitStaff
from app.models.accounts import hash_token
from app.web.forms import EmptyForm

bp = Blueprint("followup", __name__)


# --- resolutions ------------------------------------------------------------------------------


def _topic_choices(motion) -> list[tuple[int, str]]:
    """Topics a resolution may answer: the body's open or decided ones, and the motion's own."""
    open_ids = sa.select(Topic.id).where(
        Topic.body_id == motion.meeting.body_id,
        Topic.status.in_(("accepted", "on_agenda", "decided")),
    )
    own = [t.id for t in resolving.default_topics(motion)]
    topics = db.session.scalars(
        sa.select(Topic)
        .where(sa.or_(Topic.id.in_(open_ids), Topic.id.in_(own)))
        .order_by(Topic.id.desc())
    ).all()
    return [(t.id, f"{t.receipt_no} {t.title}") for t in topics]


@bp.route("/motions/<int:motion_id>/resolution", methods=["GET", "POST"])
@policy.login_required
def new_resolution(motion_id: int):
    """Make a numbered draft resolution (生成决议) from a closed, passed motion."""
    motion = access.convened_motion_or_403(motion_id)
    if motion.resolution is not None:
        return redirect(url_for("followup.resolution", resolution_id=motion.resolution.id))
    if not resolving.can_resolve(motion):
        abort(404)
    form = ResolutionForm()
    form.topics.choices = _topic_choices(motion)
    if request.method == "GET":
        form.text.data = motion.text
        form.title.data = motion.agenda_item.title if motion.agenda_item else ""
        form.decided_on.data = rules.local_today(motion.closed_at or clock.now())
        form.topics.data = [t.id for t in resolving.default_topics(motion)]
    if form.validate_on_submit():
        topics = db.session.scalars(
            sa.select(Topic).where(Topic.id.in_(form.topics.data or []))
        ).all()
        resolution = resolving.create_from_motion(
            db.session,
            motion,
            title=form.title.data,
            text=form.text.data,
            decided_on=form.decided_on.data,
            topics=list(topics),
            actor=current_user,
        )
        audit.record(
            "resolution.created",
            resolution,
            actor=current_user,
            after={"number": resolution.number_text},
        )
        db.session.commit()
        return redirect(url_for("followup.resolution", resolution_id=resolution.id))
    return render_template("followup/new_resolution.html", motion=motion, form=form)


def _resolution_page(resolution: Resolution, correction_form=None, status: int = 200):
    corrections = resolution_corrections(resolution.id)
    page = render_template(
        "followup/resolution.html",
        resolution=resolution,
        corrections=corrections,
        correction_form=correction_form or CorrectionForm(formdata=None),
        form=EmptyForm(),
    )
    return page, status


def resolution_corrections(resolution_id: int):
    """The corrections of a resolution, oldest first."""
    from app.models import ResolutionCorrection

    return db.session.scalars(
        sa.select(ResolutionCorrection)
        .where(ResolutionCorrection.resolution_id == resolution_id)
        .order_by(ResolutionCorrection.id)
    ).all()


@bp.get("/resolutions/<int:resolution_id>/manage")
@policy.login_required
def resolution(resolution_id: int):
    """The convener's page of a resolution: edit or correct it, publish it, assign its tasks."""
    return _resolution_page(access.convened_resolution_or_403(resolution_id))


@bp.post("/resolutions/<int:resolution_id>/publish")
@policy.login_required
def publish_resolution(resolution_id: int):
    """Publish (公示) a draft resolution on the public board."""
    resolution = access.convened_resolution_or_403(resolution_id)
    if EmptyForm().validate_on_submit() and resolution.status == "draft":
        resolving.publish(resolution, now=clock.now())
        audit.record("resolution.published", resolution, actor=current_user)
        db.session.commit()
    return redirect(url_for("followup.resolution", resolution_id=resolution.id))


@bp.post("/resolutions/<int:resolution_id>/corrections")
@policy.login_required
def correct_resolution(resolution_id: int):
    """Edit a draft, or correct a published resolution with a public reason (never silent)."""
    resolution = access.convened_resolution_or_403(resolution_id)
    form = CorrectionForm()
    if resolution.status == "draft":
        form.reason.validators = [Optional()]
    if form.validate_on_submit() and (value := _correction_value(form)) is not None:
        field, before = form.field.data, str(getattr(resolution, form.field.data))
        correction = resolving.correct(
            resolution,
            field,
            value,
            form.reason.data or "",
            actor_id=current_user.id,
            now=clock.now(),
        )
        if correction is not None:
            db.session.add(correction)
        audit.record(
            "resolution.corrected",
            resolution,
            actor=current_user,
            before={field: before},
            after={field: str(value)},
        )
        db.session.commit()
        return redirect(url_for("followup.resolution", resolution_id=resolution.id))
    return _resolution_page(resolution, correction_form=form, status=400)


def _correction_value(form: CorrectionForm):
    """The typed value in the field's type; a date that does not parse is said next to it."""
    if form.field.data != "decided_on":
        return form.value.data.strip()
    from datetime import date

    try:
        return date.fromisoformat(form.value.data.strip())
    except ValueError:
        form.value.errors = [_("日期请写成 2026-09-15 这样的格式。")]
        return None


# --- tasks: assigning and the task page -------------------------------------------------------


def _unit_choices() -> list[tuple[int, str]]:
    units = db.session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name)).all()
    return [(u.id, u.name) for u in units]


def _assignee_choices() -> list[tuple[int, str]]:
    staff = db.session.scalars(
        sa.select(UnitStaff).options(selectinload(UnitStaff.user), selectinload(UnitStaff.unit))
    ).all()
    return [(0, _("不指定"))] + [(s.user_id, f"{s.unit.name} · {s.user.name}") for s in staff]


@bp.route("/resolutions/<int:resolution_id>/tasks/new", methods=["GET", "POST"])
@policy.login_required
def new_task(resolution_id: int):
    """Break a resolution into a task assigned to a responsible unit (派单)."""
    resolution = access.convened_resolution_or_403(resolution_id)
    form = TaskForm()
    form.unit.choices, form.assignee.choices = _unit_choices(), _assignee_choices()
    if form.validate_on_submit():
        if form.assignee.data and not db.session.get(
            UnitStaff, (form.unit.data, form.assignee.data)
        ):
            form.assignee.errors = [_("这位负责人不属于所选的承办单位。")]
        else:
            task = Task(
                resolution=resolution,
                unit_id=form.unit.data,
                assignee_id=form.assignee.data or None,
                title=form.title.data.strip(),
                description=form.description.data or "",
                done_definition=form.done_definition.data.strip(),
                deadline=form.deadline.data,
                assigned_at=clock.now(),
            )
            db.session.add(task)
            audit.record("task.assigned", task, actor=current_user, after={"unit_id": task.unit_id})
            db.session.commit()
            return redirect(url_for("followup.resolution", resolution_id=resolution.id))
    return render_template("followup/new_task.html", resolution=resolution, form=form)


def _task_page(task: Task, roles: set[str], status: int = 200, **forms):
    """The task page, with blank forms except the one that came back with errors."""
    round_ratings = db.session.scalars(
        sa.select(Rating).where(Rating.task_id == task.id, Rating.round == task.round)
    ).all()
    values = [r.value for r in round_ratings]
    reassign = forms.get("reassign_form") or ReassignForm(formdata=None, unit=task.unit_id)
    reassign.unit.choices = _unit_choices()
    context = {
        "accept_form": EmptyForm(formdata=None),
        "decline_form": DeclineForm(formdata=None),
        "progress_form": ProgressForm(formdata=None),
        "complete_form": CompleteForm(formdata=None),
        "close_form": CloseForm(formdata=None),
        "reopen_form": ReopenForm(formdata=None),
        "rating_form": RatingForm(formdata=None),
        **forms,
        "reassign_form": reassign,
    }
    my_rating = next((r for r in round_ratings if r.user_id == current_user.id), None)
    return render_template(
        "followup/task.html",
        task=task,
        roles=roles,
        unit_actions=rules.allowed_actions(task, rules.UNIT) if "unit" in roles else [],
        convener_actions=rules.allowed_actions(task, rules.CONVENER) if "convener" in roles else [],
        counts=rules.rating_counts(values),
        ratings=round_ratings,
        suggestion=rules.rating_outcome(values, task.resolution.body.rating_rule),
        my_rating=my_rating,
        **context,
    ), status


@bp.get("/tasks/<int:task_id>")
@policy.login_required
def task(task_id: int):
    """A task's page: its timeline, the actions the person may take, the ratings of this round."""
    return _task_page(*access.task_or_403(task_id))


def _after_action(task: Task):
    """Post/Redirect/Get back to where the action came from (the unit's list or the task)."""
    if request.form.get("back") == "unit":
        return redirect(url_for("followup.unit_tasks", slug=task.unit.slug))
    return redirect(url_for("followup.task", task_id=task.id))


@bp.post("/tasks/<int:task_id>/accept")
@policy.login_required
def accept_task(task_id: int):
    """The unit accepts the task (接单); from the unit's list htmx swaps in the updated row."""
    task, roles = access.task_or_403(task_id, "unit")
    if EmptyForm().validate_on_submit() and "accept" in rules.allowed_actions(task, rules.UNIT):
        rules.accept(task, actor_id=current_user.id, now=clock.now())
        audit.record("task.accepted", task, actor=current_user)
        db.session.commit()
    if request.htmx and not request.htmx.boosted:
        return render_template("followup/partials/unit_task_row.html", task=task, form=EmptyForm())
    return _after_action(task)


def _unit_step(task_id: int, form_cls, form_name: str, action: str, step):
    """Validate the unit's form, make the move, record it, commit once — or show the errors."""
    task, roles = access.task_or_403(task_id, "unit")
    form = form_cls()
    if action not in rules.allowed_actions(task, rules.UNIT):
        return _after_action(task)
    if form.validate_on_submit() and step(task, form) is not False:
        audit.record(f"task.{action}", task, actor=current_user, after={"status": task.status})
        db.session.commit()
        return _after_action(task)
    return _task_page(task, roles, 400, **{form_name: form})


@bp.post("/tasks/<int:task_id>/decline")
@policy.login_required
def decline_task(task_id: int):
    """The unit declines the task with a reason; it goes back to the convener."""
    return _unit_step(
        task_id,
        DeclineForm,
        "decline_form",
        "decline",
        lambda t, f: rules.decline(t, f.reason.data, actor_id=current_user.id, now=clock.now()),
    )


@bp.post("/tasks/<int:task_id>/progress")
@policy.login_required
def report_progress(task_id: int):
    """The unit adds a dated progress note, with an optional photo (images only, ≤ 5 MB)."""

    def step(task, form):
        photo = None
        if form.photo.data and form.photo.data.filename:
            try:
                photo = uploads.save_photo(
                    form.photo.data.stream, current_app.config["UPLOAD_FOLDER"]
                )
            except uploads.PhotoError as error:
                form.photo.errors = [PHOTO_ERRORS[str(error)]()]
                return False
        rules.progress(task, form.note.data, actor_id=current_user.id, now=clock.now(), photo=photo)

    return _unit_step(task_id, ProgressForm, "progress_form", "progress", step)


PHOTO_ERRORS = {
    "empty": lambda: _("照片是空的，请重新选择。"),
    "too_large": lambda: _("照片超过 5 MB，请换一张小一些的。"),
    "not_image": lambda: _("只能上传 JPG、PNG 或 WebP 格式的照片。"),
}


@bp.post("/tasks/<int:task_id>/complete")
@policy.login_required
def complete_task(task_id: int):
    """The unit reports the task done (办结) with its completion report."""
    return _unit_step(
        task_id,
        CompleteForm,
        "complete_form",
        "complete",
        lambda t, f: rules.complete(t, f.report.data, actor_id=current_user.id, now=clock.now()),
    )


def _convener_step(task_id: int, form_cls, form_name: str, action: str, step):
    """Validate the convener's form, make the move, record it, commit once — or show errors."""
    task, roles = access.task_or_403(task_id, "convener")
    form = form_cls()
    if form_name == "reassign_form":
        form.unit.choices = _unit_choices()
    if action not in rules.allowed_actions(task, rules.CONVENER):
        return _after_action(task)
    if form.validate_on_submit():
        step(task, form)
        audit.record(
            f"task.{action}",
            task,
            actor=current_user,
            after={
                "status": task.status,
                "round": task.round,
                "deadline": task.deadline.isoformat(),
            },
        )
        db.session.commit()
        return _after_action(task)
    return _task_page(task, roles, 400, **{form_name: form})


@bp.post("/tasks/<int:task_id>/reassign")
@policy.login_required
def reassign_task(task_id: int):
    """The convener assigns a declined task again, to the same or another unit."""
    return _convener_step(
        task_id,
        ReassignForm,
        "reassign_form",
        "reassign",
        lambda t, f: rules.reassign(
            t,
            f.unit.data,
            f.deadline.data,
            actor_id=current_user.id,
            now=clock.now(),
            note=f.note.data or "",
        ),
    )


@bp.post("/tasks/<int:task_id>/close")
@policy.login_required
def close_task(task_id: int):
    """The convener closes (销号) a completed task."""
    return _convener_step(
        task_id,
        CloseForm,
        "close_form",
        "close",
        lambda t, f: rules.close(
            t, actor_id=current_user.id, now=clock.now(), note=f.note.data or ""
        ),
    )


@bp.post("/tasks/<int:task_id>/reopen")
@policy.login_required
def reopen_task(task_id: int):
    """The convener reopens a completed task with a new deadline; a new rating round starts."""
    return _convener_step(
        task_id,
        ReopenForm,
        "reopen_form",
        "reopen",
        lambda t, f: rules.reopen(
            t,
            f.deadline.data,
            actor_id=current_user.id,
            now=clock.now(),
            today=today(),
            note=f.note.data,
        ),
    )


# --- ratings (评单) ---------------------------------------------------------------------------


def _add_rating(task: Task, form: RatingForm, **rater) -> bool:
    """Store one rating for this round; a second one by the same rater is ignored (False)."""
    rating = Rating(
        task_id=task.id,
        round=task.round,
        value=form.value.data,
        comment=(form.comment.data or "").strip(),
        created_at=clock.now(),
        **rater,
    )
    try:
        with db.session.begin_nested():
            db.session.add(rating)
    except IntegrityError:
        flash(_("您这一轮已经评价过了，每轮只能评一次。"), "bad")
        return False
    flash(_("谢谢您的评价！"), "ok")
    audit.record(
        "task.rated",
        rating,
        actor=current_user,
        after={"task_id": task.id, "round": task.round, "value": rating.value},
    )
    return True


@bp.post("/tasks/<int:task_id>/rating")
@policy.login_required
def rate_task(task_id: int):
    """A member of the body rates a completed task, once per round."""
    task, roles = access.task_or_403(task_id, "member")
    form = RatingForm()
    if task.status != "completed":
        return _after_action(task)
    if form.validate_on_submit():
        _add_rating(task, form, user_id=current_user.id)
        db.session.commit()
        return _after_action(task)
    return _task_page(task, roles, 400, rating_form=form)


@bp.route("/t/<token>/tasks/<int:task_id>/rating", methods=["POST"])
def rate_by_link(token: str, task_id: int):
    """The topic's submitter rates a task through their private follow link, once per round."""
    topic = db.first_or_404(sa.select(Topic).where(Topic.follow_token_hash == hash_token(token)))
    task = db.get_or_404(Task, task_id)
    if task.resolution.status != "published" or topic not in task.resolution.topics:
        abort(404)
    form = RatingForm()
    if task.status == "completed" and form.validate_on_submit():
        _add_rating(task, form, topic_id=topic.id)
        db.session.commit()
        return redirect(f"/t/{token}")
    if task.status != "completed":
        return redirect(f"/t/{token}")
    return render_template(
        "followup/rate_by_link.html", topic=topic, task=task, form=form, token=token
    ), 400


# --- photos -----------------------------------------------------------------------------------


@bp.get("/tasks/<int:task_id>/photos/<int:update_id>")
def photo(task_id: int, update_id: int):
    """A progress photo, served with its checked type; only for tasks shown publicly."""
    from app.models import TaskUpdate

    update = db.get_or_404(TaskUpdate, update_id)
    task = update.task
    if task.id != task_id or task.resolution.status != "published" or not update.photo_path:
        abort(404)
    path = uploads.photo_file(current_app.config["UPLOAD_FOLDER"], update.photo_path)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=update.photo_type, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


# --- the convener's dashboard and the unit's own page -----------------------------------------


@bp.get("/b/<slug>/followup")
@policy.login_required
def dashboard(slug: str):
    """The convener's follow-up dashboard: counts by status, overdue tasks listed first."""
    body = policy.convened_body_or_403(slug)
    tasks = db.session.scalars(
        sa.select(Task)
        .join(Resolution)
        .where(Resolution.body_id == body.id)
        .options(selectinload(Task.unit), selectinload(Task.resolution))
    ).all()
    day = today()
    ordered = rules.overdue_first(list(tasks), day)
    counts = {status: sum(1 for t in tasks if t.status == status) for status in labels.TASK_STATUS}
    overdue = [t for t in ordered if rules.overdue_days(t, day)]
    drafts = db.session.scalars(
        sa.select(Resolution).where(Resolution.body_id == body.id, Resolution.status == "draft")
    ).all()
    return render_template(
        "followup/dashboard.html",
        body=body,
        tasks=ordered,
        counts=counts,
        overdue=overdue,
        drafts=drafts,
    )


@bp.get("/units/<slug>/tasks")
@policy.login_required
def unit_tasks(slug: str):
    """A unit's own task list for its staff: due this week, then everything, overdue first."""
    unit = access.staffed_unit_or_403(slug)
    tasks = db.session.scalars(
        sa.select(Task).where(Task.unit_id == unit.id).options(selectinload(Task.resolution))
    ).all()
    day = today()
    ordered = rules.overdue_first(list(tasks), day)
    this_week = [t for t in ordered if rules.due_this_week(t, day)]
    return render_template(
        "followup/unit_tasks.html", unit=unit, tasks=ordered, this_week=this_week, form=EmptyForm()
    )
