"""Follow-up pages (督办): resolutions from passed motions, tasks, progress, ratings, units."""

from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_login import current_user
from sqlalchemy.exc import IntegrityError

from app import audit, clock, policy
from app.clock import today
from app.extensions import db
from app.followup import (
    access,
    inbox,
    labels,
    notice,
    parts,
    queries,
    resolving,
    rules,
    units,
    uploads,
)
from app.followup.forms import (
    BodyUnitForm,
    CloseForm,
    CompleteForm,
    ContactForm,
    CorrectionForm,
    DeclineForm,
    ExcludeForm,
    ExtensionAnswerForm,
    ExtensionForm,
    FollowupSettingsForm,
    InviteStaffForm,
    ObjectionAnswerForm,
    PartDeclineForm,
    PartFinishForm,
    PartForm,
    PartProgressForm,
    PhoneVisitForm,
    ProgressForm,
    RatingForm,
    ReassignForm,
    ReopenForm,
    ResolutionForm,
    TaskForm,
    assignee_choices,
    phone_visit_choices,
    topic_choices,
    unit_choices,
)
from app.followup.workdays import UnknownYear
from app.models import Resolution, ResponsibleUnit, SignInLink, Task
from app.models.followup import TaskRole
from app.models.statuses import VisitChannel
from app.notifications import outbox
from app.qr import qr_svg
from app.voting import amendments
from app.web import confirm, header, htmx
from app.web.forms import EmptyForm

bp = Blueprint("followup", __name__)


@bp.before_app_request
def load_inbox_count():
    """The header's count of what waits for the signed-in person, on full pages only.

    One statement per page (none for fragments, posts or anonymous visitors); templates may
    not query, so the count is read here.
    """
    if (
        request.method == "GET"
        and not htmx.wants_fragment()
        and header.shows_inbox_count()
        and current_user.is_authenticated
    ):
        g.inbox_count = inbox.inbox_count(db.session, current_user, today())


@bp.before_request
def load_work_calendar():
    """Deadlines on these pages count working days by the administrator's calendar too."""
    g.work_calendar = queries.work_calendar(db.session)


# --- resolutions ------------------------------------------------------------------------------


@bp.route("/motions/<int:motion_id>/resolution", methods=["GET", "POST"])
@policy.login_required
def new_resolution(motion_id: int):
    """Make a numbered draft resolution (生成决议) from a closed, passed motion."""
    motion = access.convened_motion_or_403(motion_id)
    if motion.resolution is not None:
        return redirect(url_for("followup.resolution", resolution_id=motion.resolution.id))
    if not resolving.can_resolve(motion):
        abort(404)
    tz = current_app.config["LIANXI_TIMEZONE"]
    proposal = resolving.proposal(motion, tz)
    # A motion moved from the floor: its resolution names the mover and the seconder.
    if line := amendments.origin_line(db.session, motion.id):
        proposal["text"] = f"{proposal['text']}\n{line}"
    form = ResolutionForm(data=proposal if request.method == "GET" else None)
    own = resolving.default_topics(motion)
    form.topics.choices = topic_choices(queries.answerable_topics(db.session, motion, own))
    if form.validate_on_submit():
        resolution = resolving.create_from_motion(
            db.session,
            motion,
            title=form.title.data,
            text=form.text.data,
            decided_on=form.decided_on.data,
            topics=queries.topics_by_id(db.session, form.topics.data or []),
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
    """The convener's resolution page, with the correction form that came back, if any."""
    page = render_template(
        "followup/resolution.html",
        resolution=resolution,
        corrections=queries.corrections_of(db.session, resolution.id),
        correction_form=correction_form or CorrectionForm(formdata=None),
        form=EmptyForm(),
    )
    return page, status


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
    if EmptyForm().validate_on_submit() and resolution.is_draft:
        if not confirm.confirmed():
            page = url_for("followup.resolution", resolution_id=resolution.id)
            return confirm.ask(page, "publish")
        resolving.publish(resolution, now=clock.now())
        notice.start(resolution, today(), resolution.body.notice_days)
        audit.record(
            "resolution.published",
            resolution,
            actor=current_user,
            after={"notice_ends_on": resolution.notice_ends_on.isoformat()},
        )
        db.session.commit()
    return redirect(url_for("followup.resolution", resolution_id=resolution.id))


@bp.post("/objections/<int:objection_id>/answer")
@policy.login_required
def answer_objection(objection_id: int):
    """The convener answers an objection publicly, once."""
    objection = access.convened_objection_or_403(objection_id)
    form = ObjectionAnswerForm()
    back = url_for("board.resolution", resolution_id=objection.resolution_id)
    if form.validate_on_submit() and objection.answered_at is None:
        notice.answer(objection, form.answer.data, actor_id=current_user.id, now=clock.now())
        audit.record("objection.answered", objection, actor=current_user)
        db.session.commit()
    elif objection.answered_at is None:
        flash(str(labels.ANSWER_NEEDED), "bad")
    return redirect(f"{back}#objection-{objection.id}")


@bp.post("/resolutions/<int:resolution_id>/corrections")
@policy.login_required
def correct_resolution(resolution_id: int):
    """Edit a draft, or correct a published resolution with a public reason (never silent)."""
    resolution = access.convened_resolution_or_403(resolution_id)
    form = CorrectionForm()
    if resolution.is_draft:
        form.for_draft()
    if form.validate_on_submit() and (value := form.typed_value()) is not None:
        field, before = form.field.data, str(getattr(resolution, form.field.data))
        resolving.correct(
            db.session,
            resolution,
            field,
            value,
            form.reason.data or "",
            actor_id=current_user.id,
            now=clock.now(),
        )
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


# --- tasks: assigning and the task page -------------------------------------------------------


def _unit_choices(body) -> list[tuple[int, str]]:
    """The body's responsible units (``BodyUnit``) as choices, by name."""
    return unit_choices(queries.body_units(db.session, body.id))


def _unit_of_body(body, field) -> bool:
    """Whether the unit chosen in ``field`` is one of the body's; else say so next to it."""
    if field.data and queries.body_has_unit(db.session, body.id, field.data):
        return True
    field.errors = [labels.UNIT_NOT_OF_BODY]
    return False


@bp.route("/resolutions/<int:resolution_id>/tasks/new", methods=["GET", "POST"])
@policy.login_required
def new_task(resolution_id: int):
    """Break a resolution into a task for a lead unit (派单), maybe with a co-unit (协办).

    Only the body's own units are offered, and a unit of no concern to the body is refused.
    """
    resolution = access.convened_resolution_or_403(resolution_id)
    body = resolution.body
    form = TaskForm()
    form.unit.choices = _unit_choices(body)
    form.co_unit.choices = [(0, labels.NO_CO_UNIT)] + form.unit.choices
    form.assignee.choices = assignee_choices(queries.body_unit_staff(db.session, body.id))
    if (
        form.validate_on_submit()
        and _unit_of_body(body, form.unit)
        and (not form.co_unit.data or _unit_of_body(body, form.co_unit))
    ):
        try:
            deadline = form.deadline.data or g.work_calendar.add_workdays(
                today(), form.workdays.data
            )
            now = clock.now()
            task = rules.assign(
                db.session,
                resolution,
                unit_id=form.unit.data,
                assignee_id=form.assignee.data,
                title=form.title.data,
                description=form.description.data,
                done_definition=form.done_definition.data,
                deadline=deadline,
                now=now,
            )
            if form.co_unit.data:
                co_unit = db.session.get(ResponsibleUnit, form.co_unit.data)
                parts.add_part(task, co_unit, form.co_part.data, actor_id=current_user.id, now=now)
        except UnknownYear as error:
            form.workdays.errors = [labels.unknown_year(error.year)]
        except rules.AssigneeError:
            form.assignee.errors = [labels.ASSIGNEE_NOT_IN_UNIT]
        else:
            after = {
                "unit_id": task.unit_id,
                "deadline": task.deadline.isoformat(),
                "workdays": form.workdays.data,
                "co_unit_ids": [p.unit_id for p in task.parts],
            }
            audit.record("task.assigned", task, actor=current_user, after=after)
            outbox.notify_unit(db.session, task, "assigned", now=clock.now())
            db.session.commit()
            return redirect(url_for("followup.resolution", resolution_id=resolution.id))
    return render_template("followup/new_task.html", resolution=resolution, form=form)


def _task_page(task: Task, roles: set[TaskRole], status: int = 200, **forms):
    """The task page, with blank forms except the one that came back with errors."""
    round_ratings = queries.round_ratings(db.session, task)
    values = [r.value for r in round_ratings]
    body = task.resolution.body
    reassign = forms.get("reassign_form") or ReassignForm(formdata=None, unit=task.unit_id)
    reassign.unit.choices = _unit_choices(body)
    part_form = forms.get("part_form") or PartForm(formdata=None)
    taken = {task.unit_id} | {p.unit_id for p in task.parts}
    part_form.part_unit.choices = [c for c in _unit_choices(body) if c[0] not in taken]
    context = {
        "accept_form": EmptyForm(formdata=None),
        "decline_form": DeclineForm(formdata=None),
        "progress_form": ProgressForm(formdata=None),
        "complete_form": CompleteForm(formdata=None),
        "close_form": CloseForm(formdata=None),
        "reopen_form": ReopenForm(formdata=None),
        "rating_form": RatingForm(formdata=None),
        "confirming": None,
        "contact_form": ContactForm(formdata=None),
        "extension_form": ExtensionForm(formdata=None),
        "answer_form": ExtensionAnswerForm(formdata=None),
        "exclude_form": ExcludeForm(formdata=None),
        "phone_form": PhoneVisitForm(formdata=None, prefix="phone"),
        "part_decline_form": PartDeclineForm(formdata=None),
        "part_progress_form": PartProgressForm(formdata=None),
        "part_finish_form": PartFinishForm(formdata=None),
        "part_errors": {},
        **forms,
        "reassign_form": reassign,
        "part_form": part_form,
    }
    context["phone_form"].topic.choices = phone_visit_choices(task)
    unit, convener = TaskRole.UNIT in roles, TaskRole.CONVENER in roles
    return render_template(
        "followup/task.html",
        task=task,
        roles=roles,
        unit_actions=rules.allowed_actions(task, rules.UNIT) if unit else [],
        convener_actions=rules.allowed_actions(task, rules.CONVENER) if convener else [],
        counts=rules.rating_counts(values),
        ratings=round_ratings,
        suggestion=rules.rating_outcome(values, task.resolution.body.rating_rule),
        my_rating=next((r for r in round_ratings if r.user_id == current_user.id), None),
        pending=rules.pending_extension(task),
        needs_contact=rules.needs_contact(task),
        waiting_parts=rules.waiting_parts(task),
        my_parts={
            part.id: parts.allowed_actions(part)
            for part in task.parts
            if TaskRole.CO_UNIT in roles and policy.is_unit_staff(current_user, part.unit)
        },
        can_change_parts=parts.can_change_parts(task),
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
    task, roles = access.task_or_403(task_id, TaskRole.UNIT)
    if EmptyForm().validate_on_submit() and "accept" in rules.allowed_actions(task, rules.UNIT):
        sign_hours = task.resolution.body.sign_hours
        rules.accept(task, actor_id=current_user.id, now=clock.now(), sign_hours=sign_hours)
        audit.record("task.accepted", task, actor=current_user, after={"late": task.signed_late})
        db.session.commit()
    if htmx.wants_fragment():
        return htmx.render("followup/partials/unit_task_row.html", task=task, form=EmptyForm())
    return _after_action(task)


def _unit_step(task_id: int, form_cls, form_name: str, action: str, step):
    """Validate the unit's form, make the move, record it, commit once — or show the errors."""
    task, roles = access.task_or_403(task_id, TaskRole.UNIT)
    form = form_cls()
    if action not in rules.allowed_actions(task, rules.UNIT):
        return _after_action(task)
    if form.validate_on_submit():
        try:
            done = step(task, form) is not False
        except rules.PartsWaiting as error:
            form.form_errors.append(labels.parts_waiting(error.units))
            done = False
        except rules.TaskError as error:
            form.form_errors.append(labels.refusal(str(error)))
            done = False
        if done:
            after = {"status": task.status, "deadline": task.deadline.isoformat()}
            try:
                audit.record(f"task.{action}", task, actor=current_user, after=after)
                db.session.commit()
            except IntegrityError:  # another request made the same one-at-a-time step first
                db.session.rollback()
                flash(str(labels.ALREADY_DONE), "bad")
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
                form.photo.errors = [labels.PHOTO_ERRORS[str(error)]]
                return False
        rules.progress(task, form.note.data, actor_id=current_user.id, now=clock.now(), photo=photo)

    return _unit_step(task_id, ProgressForm, "progress_form", "progress", step)


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


def _convener_step(
    task_id: int, form_cls, form_name: str, action: str, step, *, irreversible: bool = False
):
    """Validate the convener's form, make the move, record it, commit once — or show errors.

    An ``irreversible`` move (销号) is first answered with the same page asking for the explicit
    second step, the form's values kept in it.
    """
    task, roles = access.task_or_403(task_id, TaskRole.CONVENER)
    form = form_cls()
    if form_name == "reassign_form":
        form.unit.choices = _unit_choices(task.resolution.body)
    if action not in rules.allowed_actions(task, rules.CONVENER):
        return _after_action(task)
    if form.validate_on_submit() and (
        form_name != "reassign_form" or _unit_of_body(task.resolution.body, form.unit)
    ):
        if irreversible and not confirm.confirmed():
            return _task_page(task, roles, 200, **{form_name: form, "confirming": action})
        try:
            step(task, form)
        except rules.TaskError as error:
            form.form_errors.append(labels.refusal(str(error)))
            return _task_page(task, roles, 400, **{form_name: form})
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


@bp.post("/tasks/<int:task_id>/contact")
@policy.login_required
def contact_resident(task_id: int):
    """The unit records when and how it contacted the resident (联系诉求人)."""
    tz = current_app.config["LIANXI_TIMEZONE"]
    return _unit_step(
        task_id,
        ContactForm,
        "contact_form",
        "contact",
        lambda t, f: rules.contact(
            t,
            f.contact_method.data,
            f.contact_note.data,
            contacted_at=clock.to_utc(f.contacted_at.data, tz),
            actor_id=current_user.id,
            now=clock.now(),
        ),
    )


@bp.post("/tasks/<int:task_id>/extension")
@policy.login_required
def ask_extension(task_id: int):
    """The unit asks for a later deadline with a reason (延期申请)."""
    return _unit_step(
        task_id,
        ExtensionForm,
        "extension_form",
        "extend",
        lambda t, f: rules.ask_extension(
            t, f.extend_to.data, f.extend_reason.data, actor_id=current_user.id, now=clock.now()
        ),
    )


def _answer_extension(task_id: int, grant: bool):
    return _convener_step(
        task_id,
        ExtensionAnswerForm,
        "answer_form",
        "grant" if grant else "refuse",
        lambda t, f: rules.answer_extension(
            t, grant, f.answer.data or "", actor_id=current_user.id, now=clock.now()
        ),
    )


@bp.post("/tasks/<int:task_id>/extension/grant")
@policy.login_required
def grant_extension(task_id: int):
    """The convener grants the pending extension; the old deadline stays on record."""
    return _answer_extension(task_id, grant=True)


@bp.post("/tasks/<int:task_id>/extension/refuse")
@policy.login_required
def refuse_extension(task_id: int):
    """The convener refuses the pending extension, with a reason."""
    return _answer_extension(task_id, grant=False)


@bp.post("/tasks/<int:task_id>/exclude")
@policy.login_required
def exclude_task(task_id: int):
    """The convener excludes an unreasonable request from the rates (核减), with a public reason."""
    return _convener_step(
        task_id,
        ExcludeForm,
        "exclude_form",
        "exclude",
        lambda t, f: rules.exclude(
            t, f.exclude_reason.data, actor_id=current_user.id, now=clock.now()
        ),
    )


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
        irreversible=True,
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


# --- 协办: co-units' parts --------------------------------------------------------------------


def _audit_part(action: str, part, task=None, **after) -> None:
    audit.record(
        f"task.part_{action}",
        task or part.task,
        actor=current_user,
        after={"unit_id": part.unit_id, "part_status": part.status, **after},
    )


@bp.post("/tasks/<int:task_id>/parts")
@policy.login_required
def add_part(task_id: int):
    """The convener gives a co-unit of the body a part of the task (协办)."""
    task, roles = access.task_or_403(task_id, TaskRole.CONVENER)
    form = PartForm()
    if form.validate_on_submit() and _unit_of_body(task.resolution.body, form.part_unit):
        unit = db.session.get(ResponsibleUnit, form.part_unit.data)
        try:
            part = parts.add_part(
                task, unit, form.part_description.data, actor_id=current_user.id, now=clock.now()
            )
        except rules.TaskError as error:
            form.part_unit.errors = [labels.refusal(str(error))]
        else:
            _audit_part("added", part)
            db.session.commit()
            return redirect(url_for("followup.task", task_id=task.id) + "#parts")
    return _task_page(task, roles, 400, part_form=form)


@bp.post("/tasks/<int:task_id>/parts/<int:part_id>/remove")
@policy.login_required
def remove_part(task_id: int, part_id: int):
    """The convener takes a co-unit off the task (its steps stay on the timeline)."""
    part = access.convened_part_or_403(task_id, part_id)
    task = part.task
    if EmptyForm().validate_on_submit():
        try:
            parts.remove_part(task, part, actor_id=current_user.id, now=clock.now())
        except rules.TaskError as error:
            flash(labels.refusal(str(error)), "bad")
        else:
            _audit_part("removed", part, task, part_status="removed")
            db.session.commit()
    return redirect(url_for("followup.task", task_id=task.id) + "#parts")


def _part_step(task_id: int, part_id: int, form_cls, form_name: str, step):
    """The co-unit's move on its part: validate, move, audit, commit — or show the errors."""
    part = access.part_or_403(task_id, part_id)
    form = form_cls()
    if form.validate_on_submit():
        try:
            step(part, form)
        except rules.TaskError as error:
            form.form_errors.append(labels.refusal(str(error)))
        else:
            _audit_part(part.status, part)
            db.session.commit()
            if request.form.get("back") == "unit":
                return redirect(url_for("followup.unit_tasks", slug=part.unit.slug))
            return redirect(url_for("followup.task", task_id=task_id) + "#parts")
    task, roles = access.task_or_403(task_id)
    return _task_page(task, roles, 400, **{form_name: form, "part_errors": {part.id: form_name}})


@bp.post("/tasks/<int:task_id>/parts/<int:part_id>/accept")
@policy.login_required
def accept_part(task_id: int, part_id: int):
    """The co-unit acknowledges its part (签收)."""
    return _part_step(
        task_id,
        part_id,
        EmptyForm,
        "accept_form",
        lambda p, f: parts.accept(
            p,
            actor_id=current_user.id,
            now=clock.now(),
            sign_hours=p.task.resolution.body.sign_hours,
        ),
    )


@bp.post("/tasks/<int:task_id>/parts/<int:part_id>/decline")
@policy.login_required
def decline_part(task_id: int, part_id: int):
    """The co-unit hands its part back with a reason (回退); the convener decides."""
    return _part_step(
        task_id,
        part_id,
        PartDeclineForm,
        "part_decline_form",
        lambda p, f: parts.decline(
            p, f.part_reason.data, actor_id=current_user.id, now=clock.now()
        ),
    )


@bp.post("/tasks/<int:task_id>/parts/<int:part_id>/progress")
@policy.login_required
def progress_part(task_id: int, part_id: int):
    """The co-unit reports progress on its part (办理中)."""
    return _part_step(
        task_id,
        part_id,
        PartProgressForm,
        "part_progress_form",
        lambda p, f: parts.progress(p, f.part_note.data, actor_id=current_user.id, now=clock.now()),
    )


@bp.post("/tasks/<int:task_id>/parts/<int:part_id>/finish")
@policy.login_required
def finish_part(task_id: int, part_id: int):
    """The co-unit reports its part done (完成)."""
    return _part_step(
        task_id,
        part_id,
        PartFinishForm,
        "part_finish_form",
        lambda p, f: parts.finish(p, f.part_report.data, actor_id=current_user.id, now=clock.now()),
    )


# --- ratings (评单) ---------------------------------------------------------------------------


def _rectify_deadline(task: Task):
    """整改 deadline after a 差评: the body's working days from today (None: unknown year)."""
    try:
        return g.work_calendar.add_workdays(today(), task.resolution.body.rectify_workdays)
    except UnknownYear:
        return None


def _rate(task: Task, form: RatingForm, **rater) -> None:
    """Store the return visit and say so; a second one by the same rater this round is refused."""
    rating = rules.rate(
        db.session,
        task,
        form.value.data,
        form.comment.data or "",
        now=clock.now(),
        contacted=form.contacted.data == "yes",
        solved=form.solved.data == "yes",
        rectify_deadline=_rectify_deadline(task),
        **rater,
    )
    if rating is None:
        flash(str(labels.ALREADY_RATED), "bad")
        return
    flash(str(labels.THANKS_FOR_RATING), "ok")
    audit.record(
        "task.rated",
        rating,
        actor=current_user,
        after={
            "task_id": task.id,
            "round": rating.round,
            "value": rating.value,
            "contacted": rating.contacted,
            "solved": rating.solved,
            "status": task.status,
        },
    )


@bp.post("/tasks/<int:task_id>/rating")
@policy.login_required
def rate_task(task_id: int):
    """A member of the body rates a completed task, once per round."""
    task, roles = access.task_or_403(task_id, TaskRole.MEMBER)
    form = RatingForm()
    if not task.can_be_rated_by(roles):
        return _after_action(task)
    if form.validate_on_submit():
        _rate(task, form, user_id=current_user.id)
        db.session.commit()
        return _after_action(task)
    return _task_page(task, roles, 400, rating_form=form)


@bp.post("/tasks/<int:task_id>/phone-visit")
@policy.login_required
def phone_visit(task_id: int):
    """The convener records a resident's return visit taken by phone, once per round."""
    task, roles = access.task_or_403(task_id, TaskRole.CONVENER)
    form = PhoneVisitForm(prefix="phone")
    form.topic.choices = phone_visit_choices(task)
    if not task.awaits_rating or not form.topic.choices:
        return _after_action(task)
    if form.validate_on_submit():
        _rate(
            task,
            form,
            topic_id=form.topic.data,
            channel=VisitChannel.PHONE,
            recorded_by_id=current_user.id,
        )
        db.session.commit()
        return _after_action(task)
    return _task_page(task, roles, 400, phone_form=form)


@bp.route("/t/<token>/tasks/<int:task_id>/rating", methods=["POST"])
def rate_by_link(token: str, task_id: int):
    """The topic's submitter rates a task through their private follow link, once per round."""
    topic, task = access.task_rated_by_link_or_404(token, task_id)
    form = RatingForm()
    if not task.awaits_rating:
        return redirect(url_for("topics.follow", token=token))
    if form.validate_on_submit():
        _rate(task, form, topic_id=topic.id, channel=VisitChannel.LINK)
        db.session.commit()
        return redirect(url_for("topics.follow", token=token))
    return render_template(
        "followup/rate_by_link.html", topic=topic, task=task, form=form, token=token
    ), 422


# --- photos -----------------------------------------------------------------------------------


@bp.get("/tasks/<int:task_id>/photos/<int:update_id>")
def photo(task_id: int, update_id: int):
    """A progress photo, served with its checked type; only for tasks shown publicly."""
    update = access.public_photo_or_404(task_id, update_id)
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
    return _dashboard(policy.convened_body_or_403(slug))


def _dashboard(body, status: int = 200, settings_form: FollowupSettingsForm | None = None):
    tasks = queries.tasks_of_body(db.session, body.id)
    day = today()
    ordered = rules.overdue_first(tasks, day)
    return render_template(
        "followup/dashboard.html",
        body=body,
        tasks=ordered,
        counts=rules.status_counts(tasks),
        overdue=[t for t in ordered if rules.is_overdue(t, day)],
        drafts=queries.draft_resolutions(db.session, body.id),
        settings_form=settings_form or FollowupSettingsForm.for_body(body),
    ), status


@bp.post("/b/<slug>/followup/settings")
@policy.login_required
def followup_settings(slug: str):
    """The convener sets the body's follow-up limits and how the units' rates are counted."""
    body = policy.convened_body_or_403(slug)
    form = FollowupSettingsForm()
    if not form.validate_on_submit():
        return _dashboard(body, 422, form)
    before = rules.followup_settings(body)
    rules.change_followup_settings(body, **form.settings())
    audit.record(
        "body.followup_settings_changed",
        body,
        actor=current_user,
        before=before,
        after=rules.followup_settings(body),
    )
    db.session.commit()
    flash(str(labels.SETTINGS_SAVED), "ok")
    return redirect(url_for("followup.dashboard", slug=slug) + "#followup-settings")


@bp.get("/units/<slug>/tasks")
@policy.login_required
def unit_tasks(slug: str):
    """A unit's own task list for its staff: due this week, then everything, overdue first."""
    unit = access.staffed_unit_or_403(slug)
    day = today()
    ordered = rules.overdue_first(queries.tasks_of_unit(db.session, unit.id), day)
    this_week = [t for t in ordered if rules.due_this_week(t, day)]
    return render_template(
        "followup/unit_tasks.html", unit=unit, tasks=ordered, this_week=this_week, form=EmptyForm()
    )


# --- the body's units and their staff (conveners, without the administrator) ------------------


def _units_page(body, status: int = 200, **forms):
    linked = queries.body_units(db.session, body.id)
    mine = {u.id for u in linked}
    add_form = forms.get("add_form") or BodyUnitForm(formdata=None)
    add_form.existing.choices = [(0, "—")] + [
        (u.id, u.name) for u in queries.units_by_name(db.session) if u.id not in mine
    ]
    invite_form = forms.get("invite_form") or InviteStaffForm(formdata=None)
    invite_form.unit.choices = [(u.id, u.name) for u in linked]
    return render_template(
        "followup/body_units.html",
        body=body,
        units=linked,
        add_form=add_form,
        invite_form=invite_form,
    ), status


@bp.get("/b/<slug>/units")
@policy.login_required
def body_units(slug: str):
    """The units the body works with and their staff; forms to add a unit and invite staff."""
    return _units_page(policy.convened_body_or_403(slug))


@bp.post("/b/<slug>/units")
@policy.login_required
def add_body_unit(slug: str):
    """The convener adds a unit to the body: an existing one or a new one by name."""
    body = policy.convened_body_or_403(slug)
    form = BodyUnitForm()
    form.existing.choices = [(0, "—")] + [(u.id, u.name) for u in queries.units_by_name(db.session)]
    if not form.validate_on_submit():
        return _units_page(body, 422, add_form=form)
    now = clock.now()
    if form.existing.data:
        unit = db.get_or_404(ResponsibleUnit, form.existing.data)
        units.add_existing_unit(db.session, body, unit, actor_id=current_user.id, now=now)
    else:
        unit = units.add_new_unit(
            db.session,
            body,
            form.name.data,
            form.description.data,
            actor_id=current_user.id,
            now=now,
        )
    audit.record("body.unit_added", body, actor=current_user, after={"unit_id": unit.id})
    db.session.commit()
    flash(str(labels.UNIT_ADDED), "ok")
    return redirect(url_for("followup.body_units", slug=slug))


@bp.post("/b/<slug>/invitations")
@policy.login_required
def invite_staff(slug: str):
    """The convener invites a person to a unit of the body; the personal link shows once."""
    body = policy.convened_body_or_403(slug)
    form = InviteStaffForm()
    form.unit.choices = [(u.id, u.name) for u in queries.body_units(db.session, body.id)]
    if not form.validate_on_submit():
        return _units_page(body, 422, invite_form=form)
    unit = db.session.get(ResponsibleUnit, form.unit.data)
    try:
        person = units.invite_staff(
            db.session, unit, form.name.data, form.phone.data, now=clock.now()
        )
    except units.UnitError:
        form.phone.errors = [labels.PHONE_TAKEN]
        return _units_page(body, 422, invite_form=form)
    link, token = SignInLink.issue(
        person, current_user, days=current_app.config["SIGN_IN_LINK_DAYS"]
    )
    db.session.add(link)
    audit.record("unit.staff_invited", unit, actor=current_user, after={"user_id": person.id})
    db.session.commit()
    url = url_for("accounts.link_sign_in", token=token, _external=True)
    return render_template(
        "followup/staff_invited.html",
        body=body,
        unit=unit,
        person=person,
        link=link,
        url=url,
        qr=qr_svg(url),
    )
