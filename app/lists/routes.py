"""The three lists of a body (需求 / 资源 / 项目清单), batches, pledges and the public 幸福账单."""

from flask import Blueprint, abort, current_app, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.lists import access, forms, opendata, queries, rules, totals
from app.models import Body, Need, Project, Resource, Topic
from app.web.forms import EmptyForm

bp = Blueprint("lists", __name__)


def _lists_page(body, status=200, **given):
    """The body's lists page with its forms (those given keep what was typed)."""
    need_form = given.get("need_form") or forms.NeedForm(prefix="need")
    need_form.category.choices = [(c, c) for c in body.topic_categories]
    project_form = given.get("project_form") or forms.ProjectForm(prefix="project")
    _project_choices(project_form, body)
    project_list = queries.projects(db.session, body)
    is_convener = policy.is_convener(current_user, body)
    return (
        render_template(
            "lists/index.html",
            body=body,
            needs=queries.needs(db.session, body),
            topics=queries.topics_without_need(db.session, body) if is_convener else [],
            resources=queries.resources(db.session, body),
            projects=project_list,
            batches=queries.batches(db.session, body),
            unbatched=queries.proposed_unbatched(db.session, body),
            meetings=queries.meetings_in_session(db.session, body),
            whole=totals.of_projects(project_list),
            is_convener=is_convener,
            need_form=need_form,
            resource_form=given.get("resource_form") or forms.ResourceForm(prefix="resource"),
            project_form=project_form,
            form=EmptyForm(),
        ),
        status,
    )


def _project_choices(form, body):
    form.need.choices = [(n.id, n.title) for n in queries.needs(db.session, body)]
    form.lead_unit.choices = [(u.id, u.name) for u in queries.units(db.session)]


@bp.get("/bodies/<slug>/lists")
@policy.login_required
def index(slug: str):
    """The three lists of a body, its batches and totals, for its members and conveners."""
    return _lists_page(access.listed_body_or_403(slug))


@bp.post("/bodies/<slug>/needs")
@policy.login_required
def add_need(slug: str):
    """The convener enters a need directly."""
    body = policy.convened_body_or_403(slug)
    form = forms.NeedForm(prefix="need")
    form.category.choices = [(c, c) for c in body.topic_categories]
    if not form.validate_on_submit():
        return _lists_page(body, 422, need_form=form)
    need = Need(
        body_id=body.id,
        title=form.title.data,
        category=form.category.data or "",
        description=form.description.data or "",
        created_by_id=current_user.id,
    )
    db.session.add(need)
    audit.record("need.added", need, actor=current_user, after={"title": need.title})
    db.session.commit()
    return redirect(url_for("lists.index", slug=slug) + "#needs", 303)


@bp.post("/bodies/<slug>/needs/from-topic/<int:topic_id>")
@policy.login_required
def need_from_topic(slug: str, topic_id: int):
    """The convener puts an accepted topic on the needs list."""
    body = policy.convened_body_or_403(slug)
    topic = db.get_or_404(Topic, topic_id)
    if topic.body_id != body.id:
        abort(404)
    try:
        need = rules.need_from_topic(db.session, topic, actor_id=current_user.id)
    except rules.ListsError:
        flash(_("这个议题不能列入需求清单（未受理或已列入）。"), "bad")
        return redirect(url_for("lists.index", slug=slug) + "#needs", 303)
    audit.record("need.from_topic", need, actor=current_user, after={"topic": topic.id})
    db.session.commit()
    return redirect(url_for("lists.index", slug=slug) + "#needs", 303)


@bp.post("/bodies/<slug>/resources")
@policy.login_required
def offer_resource(slug: str):
    """A member (unit, merchant, resident) or convener offers a resource to the body."""
    body = access.listed_body_or_403(slug)
    form = forms.ResourceForm(prefix="resource")
    if not form.validate_on_submit():
        return _lists_page(body, 422, resource_form=form)
    resource = Resource(
        body_id=body.id,
        offered_by_id=current_user.id,
        owner_name=form.owner_name.data,
        owner_kind=form.owner_kind.data,
        kind=form.kind.data,
        title=form.title.data,
        quantity=form.quantity.data,
        unit=rules.unit_for(form.kind.data, form.unit.data or ""),
        conditions=form.conditions.data or "",
        contact=form.contact.data,
        public=form.public.data,
    )
    db.session.add(resource)
    audit.record("resource.offered", resource, actor=current_user, after={"title": resource.title})
    db.session.commit()
    flash(_("资源已登记，谢谢！"), "ok")
    return redirect(url_for("lists.index", slug=slug) + "#resources", 303)


@bp.post("/bodies/<slug>/projects")
@policy.login_required
def propose_project(slug: str):
    """A member or convener proposes a project binding a need to resources."""
    body = access.listed_body_or_403(slug)
    form = forms.ProjectForm(prefix="project")
    _project_choices(form, body)
    if not form.validate_on_submit():
        return _lists_page(body, 422, project_form=form)
    if form.need.data not in {n for n, _label in form.need.choices}:
        form.need.errors.append(_("请选择本联席会议需求清单里的一项。"))
        return _lists_page(body, 422, project_form=form)
    if form.lead_unit.data not in {u for u, _label in form.lead_unit.choices}:
        form.lead_unit.errors.append(_("请选择牵头单位。"))
        return _lists_page(body, 422, project_form=form)
    project = Project(
        body_id=body.id,
        need_id=form.need.data,
        lead_unit_id=form.lead_unit.data,
        title=form.title.data,
        plan=form.plan.data,
        budget=form.budget.data,
        deadline=form.deadline.data,
        proposed_by_id=current_user.id,
    )
    db.session.add(project)
    audit.record("project.proposed", project, actor=current_user, after={"title": project.title})
    db.session.commit()
    return redirect(url_for("lists.project", project_id=project.id), 303)


def _pledge_choices(form, body):
    form.resource.choices = [(0, _("（不选）"))] + [
        (r.id, f"{r.owner_name}{_('：')}{r.title}") for r in queries.resources(db.session, body)
    ]


def _project_page(project, status=200, pledge_form=None):
    body = db.session.get(Body, project.body_id)
    pledge_form = pledge_form or forms.PledgeForm()
    _pledge_choices(pledge_form, body)
    return (
        render_template(
            "lists/project.html",
            body=body,
            project=project,
            pledge_form=pledge_form,
            is_convener=policy.is_convener(current_user, body),
            project_sums=totals.of_projects([project]),
            form=forms.DeliveredForm(),
        ),
        status,
    )


@bp.get("/projects/<int:project_id>")
@policy.login_required
def project(project_id: int):
    """A project: its need, plan, budget, lead unit, and resources pledged and delivered."""
    return _project_page(access.project_or_403(project_id))


@bp.post("/projects/<int:project_id>/pledges")
@policy.login_required
def add_pledge(project_id: int):
    """A member or convener records a pledge (认捐) to the project."""
    project = access.project_or_403(project_id)
    form = forms.PledgeForm()
    _pledge_choices(form, db.session.get(Body, project.body_id))
    if not form.validate_on_submit():
        return _project_page(project, 422, form)
    resource = db.session.get(Resource, form.resource.data) if form.resource.data else None
    if resource is None and not form.pledger.data:
        form.pledger.errors.append(_("请写明认捐方，或从资源清单里选择。"))
        return _project_page(project, 422, form)
    try:
        item = rules.pledge(
            db.session,
            project,
            pledger=form.pledger.data or resource.owner_name,
            kind=resource.kind if resource else form.kind.data,
            amount=form.amount.data,
            unit=(resource.unit if resource else form.unit.data) or "",
            resource=resource,
        )
    except rules.ListsError:
        form.resource.errors.append(_("这个项目或资源不能再认捐。"))
        return _project_page(project, 422, form)
    audit.record(
        "pledge.added",
        item,
        actor=current_user,
        after={"amount": str(item.amount), "unit": item.unit},
    )
    db.session.commit()
    return redirect(url_for("lists.project", project_id=project.id), 303)


@bp.post("/pledges/<int:pledge_id>/delivered")
@policy.login_required
def deliver(pledge_id: int):
    """The convener records how much of a pledge has arrived (落地)."""
    item = access.pledge_to_manage_or_403(pledge_id)
    form = forms.DeliveredForm()
    if not form.validate_on_submit():
        flash(_("请填写已落地的数量或金额。"), "bad")
        return redirect(url_for("lists.project", project_id=item.project_id), 303)
    try:
        before = rules.deliver(item, form.delivered.data)
    except rules.ListsError:
        flash(_("已落地不能超过认捐的数量。"), "bad")
        return redirect(url_for("lists.project", project_id=item.project_id), 303)
    audit.record(
        "pledge.delivered",
        item,
        actor=current_user,
        before={"delivered": str(before)},
        after={"delivered": str(item.delivered)},
    )
    db.session.commit()
    return redirect(url_for("lists.project", project_id=item.project_id), 303)


@bp.post("/bodies/<slug>/batches")
@policy.login_required
def new_batch(slug: str):
    """The convener opens the body's next batch (第N批)."""
    body = policy.convened_body_or_403(slug)
    batch = rules.new_batch(db.session, body)
    audit.record("batch.opened", batch, actor=current_user, after={"number": batch.number})
    db.session.commit()
    return redirect(url_for("lists.index", slug=slug) + "#batches", 303)


@bp.post("/batches/<int:batch_id>/projects")
@policy.login_required
def add_to_batch(batch_id: int):
    """The convener puts a proposed project into an open batch."""
    batch = access.batch_to_manage_or_403(batch_id)
    form = forms.BatchProjectForm()
    form.project.choices = []
    project = db.session.get(Project, form.project.data) if form.project.data else None
    try:
        if project is None:
            raise rules.ListsError("no project")
        rules.add_to_batch(batch, project)
    except rules.ListsError:
        flash(_("只有本联席会议已提出、未分批的项目能加入未表决的批次。"), "bad")
    else:
        audit.record(
            "batch.project_added", batch, actor=current_user, after={"project": project.id}
        )
        db.session.commit()
    return redirect(url_for("lists.index", slug=batch.body.slug) + "#batches", 303)


@bp.post("/batches/<int:batch_id>/vote")
@policy.login_required
def put_to_vote(batch_id: int):
    """The convener puts a batch to the vote at a meeting in session, as a draft motion."""
    batch = access.batch_to_manage_or_403(batch_id)
    form = forms.BatchVoteForm()
    meetings = {m.id: m for m in queries.meetings_in_session(db.session, batch.body)}
    meeting = meetings.get(form.meeting.data) if form.validate_on_submit() else None
    if meeting is None:
        flash(_("请选择本联席会议正在召开的会议。"), "bad")
        return redirect(url_for("lists.index", slug=batch.body.slug) + "#batches", 303)
    name = _("第%(number)s批项目", number=batch.number)
    try:
        motion = rules.put_to_vote(
            db.session,
            batch,
            meeting,
            title=name,
            heading=_("审议通过%(name)s：", name=name),
            created_by_id=current_user.id,
        )
    except rules.ListsError:
        flash(_("这个批次不能提交表决（已表决或没有项目）。"), "bad")
        return redirect(url_for("lists.index", slug=batch.body.slug) + "#batches", 303)
    audit.record("batch.put_to_vote", batch, actor=current_user, after={"motion": motion.id})
    db.session.commit()
    return redirect(url_for("voting.motion", id=motion.id), 303)


@bp.post("/batches/<int:batch_id>/decide")
@policy.login_required
def decide(batch_id: int):
    """After the vote: approve the batch (resolutions and tasks) or record its rejection."""
    batch = access.batch_to_manage_or_403(batch_id)
    if not EmptyForm().validate_on_submit() or not rules.can_decide(batch):
        flash(_("表决还没有结束。"), "bad")
        return redirect(url_for("lists.index", slug=batch.body.slug) + "#batches", 303)
    now = clock.now()
    made = rules.decide(
        db.session,
        batch,
        decided_on=clock.local_date(now, current_app.config["LIANXI_TIMEZONE"]),
        now=now,
        actor=current_user,
    )
    audit.record(
        "batch.decided",
        batch,
        actor=current_user,
        after={"status": batch.status, "resolutions": [r.id for r in made]},
    )
    db.session.commit()
    return redirect(url_for("lists.index", slug=batch.body.slug) + "#batches", 303)


@bp.get("/bodies/<slug>/happiness")
def happiness(slug: str):
    """The public page from 难题清单 to 幸福账单: needs, batches, delivery, ratings, resources."""
    body = policy.body_or_404(slug)
    project_list = queries.projects(db.session, body)
    return render_template(
        "lists/happiness.html",
        body=body,
        needs=queries.needs(db.session, body),
        projects=project_list,
        batches=queries.batches(db.session, body),
        tasks=queries.tasks_of_projects(db.session, project_list),
        resources=queries.resources(db.session, body, public_only=True),
        whole=totals.of_projects(project_list),
        per_batch=totals.by_batch(project_list),
        per_category=totals.by_category(project_list),
    )


@bp.get("/open-data/<slug>/projects.json")
def projects_json(slug: str):
    """Open data: the body's projects with their pledges, as JSON."""
    body = policy.body_or_404(slug)
    return opendata.projects_json(body, queries.projects(db.session, body))


@bp.get("/open-data/<slug>/projects.csv")
def projects_csv(slug: str):
    """Open data: the body's projects, one row each, as CSV."""
    body = policy.body_or_404(slug)
    return opendata.projects_csv(body, queries.projects(db.session, body))


@bp.get("/open-data/<slug>/pledges.csv")
def pledges_csv(slug: str):
    """Open data: every pledge to the body's projects, one row each, as CSV."""
    body = policy.body_or_404(slug)
    return opendata.pledges_csv(body, queries.pledges(db.session, body))
