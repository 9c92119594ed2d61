"""Topic collection and triage (议题征集): submit, follow, second, list, the convener's queue."""

from datetime import UTC
from zoneinfo import ZoneInfo

from flask import Blueprint, current_app, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user
from limits import parse

from app import audit, clock, policy, ratelimits
from app.extensions import db
from app.followup import queries as followup_queries
from app.followup.forms import RatingForm
from app.i18n import PREFERENCE_MAX_AGE
from app.models import Body, Topic, TopicStatus
from app.models.accounts import hash_token
from app.models.topics import WAITING_STATUSES
from app.qr import qr_svg
from app.topics import queries, rules, submission
from app.topics.access import (
    body_of,
    followed_topic_or_404,
    topic_to_second_or_403,
    topic_to_triage_or_403,
)
from app.topics.forms import AddInfoForm, DeclineForm, MergeForm, NeedsInfoForm, TopicForm
from app.topics.labels import STATUS_LABELS, refusal
from app.web.forms import EmptyForm
from app.web.htmx import fragment_or_redirect, render, wants_fragment
from app.web.urls import external_url

bp = Blueprint("topics", __name__)

#: The cookie naming this device for "我也遇到过" (a random token; only its hash is stored).
ME_TOO_COOKIE = "lianxi_me_too"
PER_PAGE = 20
#: The queue's status filter: "open" means waiting for the convener.
TRIAGE_FILTERS = {"open": WAITING_STATUSES, "all": ()} | {s: (s,) for s in STATUS_LABELS}


def _local_year() -> int:
    """The current year in the community's time zone (receipt numbers restart each year)."""
    zone = ZoneInfo(current_app.config["LIANXI_TIMEZONE"])
    return clock.now().replace(tzinfo=UTC).astimezone(zone).year


def _topic_form(body: Body) -> TopicForm:
    """The submission form, filled with the signed-in person's name and phone on a GET."""
    form = TopicForm(body.topic_categories)
    if request.method == "GET" and current_user.is_authenticated:
        form.name.data, form.phone.data = current_user.name, current_user.phone
    return form


@bp.route("/b/<slug>/topics/new", methods=["GET", "POST"])
def new(slug: str):
    """The public submission form: anyone, with or without an account, raises a topic.

    A valid submission takes its place in the address's hourly budget before it is stored, so a
    burst of simultaneous posts stores no more than the limit; forms sent back do not count.
    """
    body = policy.body_or_404(slug)
    form = _topic_form(body)
    if request.method == "POST" and form.website.data:
        return _decoy(body, form)
    if form.validate_on_submit():
        attempt = ratelimits.topic_submission()
        if attempt.refused:
            return _too_many_submissions(body, form, attempt)
        submitter = current_user if current_user.is_authenticated else None
        fields = form.topic_fields()
        topic, token = submission.submit(
            db.session, body, fields, year=_local_year(), submitter=submitter
        )
        audit.record(
            "topic.submitted", topic, actor=submitter, after={"receipt_no": topic.receipt_no}
        )
        db.session.commit()
        return redirect(url_for("topics.follow", token=token, new=1), 303)
    return render_template("topics/new.html", body=body, form=form, limited=0)


def _decoy(body: Body, form: TopicForm):
    """Answer a bot that filled the honeypot as if it succeeded, storing nothing."""
    current_app.logger.warning(
        "topic submission refused by honeypot: body=%s ip=%s", body.slug, request.remote_addr
    )
    fake = submission.decoy(db.session, body, form.title.data, year=_local_year())
    return _follow_page(fake, submission.new_follow_token(), body=body, new=True, decoy=True)


def _too_many_submissions(body: Body, form: TopicForm, attempt: ratelimits.Attempt):
    """A refused submission: the form again, with what was typed and why, in plain words."""
    page = render_template(
        "topics/new.html",
        body=body,
        form=form,
        limited=attempt.minutes_left(),
        per_hour=parse(current_app.config["LIANXI_TOPIC_LIMIT_IP"]).amount,
    )
    return page, 429, {"Retry-After": attempt.retry_after()}


def _follow_page(topic: Topic, token: str, form=None, status=200, **context):
    """The follow page of ``topic`` (its receipt when ``new``), reached with ``token``."""
    url = external_url("topics.follow", token=token)
    context.setdefault("body", body_of(topic))
    survivor = rules.survivor(topic) if topic.merged_into_id else None
    return render_template(
        "topics/follow.html",
        **{"new": False, "decoy": False} | context,
        topic=topic,
        survivor=survivor,
        follow_url=url,
        qr=qr_svg(url),
        events=list(topic.events),
        actors=queries.actor_names(db.session, topic),
        form=form or AddInfoForm(formdata=None),
        token=token,
        rating_tasks=followup_queries.rating_tasks_of_topic(db.session, topic, survivor),
        resolutions=followup_queries.resolutions_answering(db.session, survivor or topic),
        rating_form=RatingForm(formdata=None),
    ), status


@bp.get("/t/<token>")
def follow(token: str):
    """The submitter's private follow page (and receipt): status and history of their topic."""
    topic = followed_topic_or_404(token)
    return _follow_page(topic, token, new=request.args.get("new") == "1")


@bp.post("/t/<token>/info")
def add_info(token: str):
    """The submitter answers the convener's question; the topic goes back to the queue."""
    topic = followed_topic_or_404(token)
    form = AddInfoForm()
    if not topic.awaits_info:
        return redirect(url_for("topics.follow", token=token), 303)
    if form.validate_on_submit():
        rules.move(topic, TopicStatus.SUBMITTED, note=form.info.data)
        audit.record(
            "topic.info_added",
            topic,
            before={"status": TopicStatus.NEEDS_INFO},
            after={"status": TopicStatus.SUBMITTED},
        )
        db.session.commit()
        return redirect(url_for("topics.follow", token=token), 303)
    return _follow_page(topic, token, form=form, status=422)


def _list_filters(body: Body) -> dict:
    """The public list's search and filters, ignoring values that are not offered."""
    status = request.args.get("status", "")
    category = request.args.get("category", "")
    return {
        "q": request.args.get("q", "").strip()[:60],
        "status": status if status in STATUS_LABELS else "",
        "category": category if category in body.topic_categories else "",
    }


@bp.get("/b/<slug>/topics")
def index(slug: str):
    """The public list of a body's topics: search, filter, each topic's fate in words."""
    body = policy.body_or_404(slug)
    filters = _list_filters(body)
    listing = queries.public_listing(
        body.id, words=filters["q"], status=filters["status"], category=filters["category"]
    )
    page = db.paginate(listing, per_page=PER_PAGE, error_out=False)
    return render(
        "topics/index.html",
        "topics/partials/list.html",
        body=body,
        page=page,
        filters=filters,
        statuses=STATUS_LABELS,
        can_triage=policy.is_convener(current_user, body),
    )


@bp.get("/topics/<int:topic_id>")
def show(topic_id: int):
    """A topic's public page: what was raised, its status, seconds and history."""
    topic = db.get_or_404(Topic, topic_id)
    if topic.status == TopicStatus.MERGED:
        return redirect(url_for("topics.show", topic_id=rules.survivor(topic).id, merged=topic.id))
    body = body_of(topic)
    merged_from = db.session.get(Topic, request.args.get("merged", type=int) or 0)
    return render_template(
        "topics/show.html",
        topic=topic,
        body=body,
        events=topic.events,
        actors=queries.actor_names(db.session, topic),
        merged_from=merged_from,
        merged_in=queries.merged_into(db.session, topic),
        **_second_context(topic, body),
        **_me_too_context(topic, request.cookies.get(ME_TOO_COOKIE)),
    )


@bp.post("/topics/<int:topic_id>/me-too")
def me_too(topic_id: int):
    """A resident says "我也遇到过": counted once per device, apart from members' seconds."""
    topic = db.get_or_404(Topic, topic_id)
    attempt = ratelimits.me_too_attempt()
    if attempt.refused:
        message = _("操作太频繁，请 %(minutes)d 分钟后再试。", minutes=attempt.minutes_left())
        page = render_template("error.html", code=429, message=message)
        return page, 429, {"Retry-After": attempt.retry_after()}
    token = request.cookies.get(ME_TOO_COOKIE) or submission.new_device_token()
    if EmptyForm().validate_on_submit():
        try:
            if rules.me_too(topic, hash_token(token)):
                audit.record("topic.me_too", topic)
        except rules.TransitionError:
            pass  # a merged topic's page redirects to its survivor, which takes it
        db.session.commit()
    response = fragment_or_redirect(
        "topics/partials/me_too.html",
        url_for("topics.show", topic_id=topic.id) + f"#me-too-{topic.id}",
        topic=topic,
        **_me_too_context(topic, token),
    )
    response.set_cookie(
        ME_TOO_COOKIE, token, max_age=PREFERENCE_MAX_AGE, httponly=True, samesite="Lax"
    )
    return response


def _me_too_context(topic: Topic, token: str | None) -> dict:
    """What the "我也遇到过" box shows to this device."""
    count, mine = queries.me_too_state(db.session, topic, hash_token(token) if token else None)
    return {"me_too_count": count, "me_too_mine": mine, "me_too_form": EmptyForm()}


def _second_context(topic: Topic, body: Body) -> dict:
    """What the second (附议) button shows to the current visitor."""
    signed_in = current_user.is_authenticated
    member = signed_in and policy.is_member(current_user, body)
    return {
        "can_second": bool(member),
        "seconded": bool(member) and rules.has_seconded(topic, current_user),
        "own": signed_in and topic.submitter_id == current_user.id,
        "open": topic.is_open,
        "seconds_needed": body.seconds_needed,
        "second_form": EmptyForm(),
    }


@bp.post("/topics/<int:topic_id>/second")
@policy.login_required
def second(topic_id: int):
    """A member of the body seconds (附议) an open topic, once."""
    topic, body = topic_to_second_or_403(topic_id)
    if EmptyForm().validate_on_submit():
        try:
            if rules.second(topic, current_user):
                audit.record("topic.seconded", topic, actor=current_user)
        except rules.TransitionError:
            pass  # the button already says why it cannot be pressed
        db.session.commit()
    return fragment_or_redirect(
        "topics/partials/second_button.html",
        url_for("topics.show", topic_id=topic.id),
        topic=topic,
        **_second_context(topic, body),
    )


# --- The convener's triage queue -------------------------------------------------------------


def _row(topic: Topic, body: Body, candidates: list[Topic], bound=None, name="", error=""):
    """The context of one self-replacing triage row; ``bound`` is the form just submitted."""
    prefix = f"t{topic.id}-"

    def make(form_name, cls, *args):
        if form_name == name and bound is not None:
            return bound
        return cls(*args, formdata=None, prefix=f"{prefix}{form_name}-")

    others = [t for t in candidates if t.id != topic.id]
    return {
        "topic": topic,
        "body": body,
        "ready": topic.is_ready(body.seconds_needed),
        "allowed": rules.allowed_transitions(topic.status),
        "accept_form": make("accept", EmptyForm),
        "info_form": make("info", NeedsInfoForm),
        "decline_form": make("decline", DeclineForm),
        "merge_form": make("merge", MergeForm, others),
        "merge_into": db.session.get(Topic, topic.merged_into_id) if topic.merged_into_id else None,
        "error": error,
        "open_form": name if bound is not None and bound.errors else "",
        "back": _queue_filters(body),
    }


def _queue_filters(body: Body) -> dict:
    """The queue's filters: from the address, or (after an action) from the row's form."""
    status = request.values.get("back_status") or request.args.get("status", "open")
    category = request.values.get("back_category") or request.args.get("category", "")
    return {
        "status": status if status in TRIAGE_FILTERS else "open",
        "category": category if category in body.topic_categories else "",
    }


@bp.get("/b/<slug>/triage")
@policy.login_required
def triage(slug: str):
    """The convener's queue (分拣): ready topics first, then the oldest waiting."""
    body = policy.convened_body_or_403(slug)
    filters = _queue_filters(body)
    topics = queries.triage_queue(
        db.session, body, TRIAGE_FILTERS[filters["status"]], filters["category"]
    )
    candidates = queries.open_topics(db.session, body)
    return render(
        "topics/triage.html",
        "topics/partials/triage_list.html",
        body=body,
        filters=filters,
        rows=[_row(t, body, candidates) for t in topics],
        statuses=STATUS_LABELS,
    )


def _act(topic: Topic, body: Body, name: str, form, change):
    """Validate ``form``, apply ``change`` through the rules, record it, answer with the row."""
    error = ""
    if form.validate_on_submit():
        before = topic.status
        try:
            change()
        except rules.TransitionError:
            db.session.rollback()
            error = refusal(topic.status)
        else:
            audit.record(
                f"topic.{topic.status}",
                topic,
                actor=current_user,
                before={"status": before},
                after=rules.audit_state(topic),
            )
            db.session.commit()
            url = url_for("topics.triage", slug=body.slug, **_queue_filters(body))
            return fragment_or_redirect(
                "topics/partials/triage_row.html",
                f"{url}#topic-{topic.id}",
                row=_row(topic, body, queries.open_topics(db.session, body)),
            )
    row = _row(
        topic, body, queries.open_topics(db.session, body), bound=form, name=name, error=error
    )
    # The row comes back with its errors: htmx swaps only a 200, a page without htmx says 422.
    status = 200 if wants_fragment() else 422
    return render(
        "topics/triage_topic.html", "topics/partials/triage_row.html", status, body=body, row=row
    )


@bp.post("/topics/<int:topic_id>/accept")
@policy.login_required
def accept(topic_id: int):
    """Accept a topic (受理): it will be put on an agenda."""
    topic, body = topic_to_triage_or_403(topic_id)
    form = EmptyForm(prefix=f"t{topic.id}-accept-")
    return _act(
        topic,
        body,
        "accept",
        form,
        lambda: rules.move(topic, TopicStatus.ACCEPTED, actor=current_user),
    )


@bp.post("/topics/<int:topic_id>/needs-info")
@policy.login_required
def needs_info(topic_id: int):
    """Ask the submitter for more information; they answer on their follow page."""
    topic, body = topic_to_triage_or_403(topic_id)
    form = NeedsInfoForm(prefix=f"t{topic.id}-info-")
    return _act(
        topic,
        body,
        "info",
        form,
        lambda: rules.move(topic, TopicStatus.NEEDS_INFO, actor=current_user, note=form.note.data),
    )


@bp.post("/topics/<int:topic_id>/decline")
@policy.login_required
def decline(topic_id: int):
    """Decline a topic with a public reason (不予受理)."""
    topic, body = topic_to_triage_or_403(topic_id)
    form = DeclineForm(prefix=f"t{topic.id}-decline-")
    return _act(
        topic,
        body,
        "decline",
        form,
        lambda: rules.decline(topic, form.reason.data, form.note.data, current_user),
    )


@bp.post("/topics/<int:topic_id>/merge")
@policy.login_required
def merge(topic_id: int):
    """Merge a topic into another open topic of the body; its seconds carry over."""
    topic, body = topic_to_triage_or_403(topic_id)
    candidates = queries.open_topics(db.session, body)
    form = MergeForm([t for t in candidates if t.id != topic.id], prefix=f"t{topic.id}-merge-")
    return _act(
        topic,
        body,
        "merge",
        form,
        lambda: rules.merge(
            topic, db.session.get(Topic, form.into.data), current_user, form.note.data
        ),
    )


@bp.get("/b/<slug>/topics/qr")
@policy.login_required
def qr(slug: str):
    """A printable QR code of the body's submission page, for notice boards and shop windows."""
    body = policy.convened_body_or_403(slug)
    url = external_url("topics.new", slug=body.slug)
    return render_template(
        "topics/qr.html", body=body, url=url, qr=qr_svg(url, scale=10, scalable=True)
    )
