"""Meetings (会议): the public agenda, the convener's room, check-in, presence, projector, minutes.

Who may use what: the list, the public agenda, its ICS and the presence panel are open to
anyone once the agenda is published (a draft only to the body's conveners); the convener's room,
every change and the projector need a convener of the body; check-in needs a signed-in member;
the minutes need a member or convener of the body.
"""

import hashlib
import json
import secrets
from datetime import timedelta

import sqlalchemy as sa
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import format_datetime, get_locale, to_user_timezone, to_utc
from flask_babel import gettext as _
from flask_login import current_user
from htmx_flask import request as htmx_request

from app import audit, clock, policy
from app.extensions import db
from app.meetings import ics, labels, minutes, presence, rules
from app.meetings.forms import (
    ItemForm,
    MeetingForm,
    MoveForm,
    NotesForm,
    ProxyForm,
    SubstituteForm,
)
from app.meetings.rules import MeetingError
from app.models import (
    AgendaItem,
    AuditEvent,
    Constituency,
    Meeting,
    Proxy,
    Seat,
    Substitute,
    Topic,
    User,
)
from app.qr import qr_svg
from app.topics import rules as topic_rules
from app.web.forms import EmptyForm
from app.web.htmx import render

bp = Blueprint("meetings", __name__)

AGENDA = "meetings/partials/agenda_builder.html"
ROSTER = "meetings/partials/roster.html"
PRESENCE = "meetings/partials/presence.html"
CURRENT = "meetings/partials/projector_current.html"


# --- helpers ----------------------------------------------------------------------------------


def _item_or_404(meeting: Meeting, item_id: int) -> AgendaItem:
    item = db.get_or_404(AgendaItem, item_id)
    if item.meeting_id != meeting.id:
        abort(404)
    return item


def _refuse(error: MeetingError) -> None:
    flash(labels.ERRORS.get(error.code, error.code), "bad")


def _back(meeting: Meeting, anchor: str = ""):
    return redirect(url_for("meetings.manage", meeting_id=meeting.id) + anchor, 303)


def _accepted_topics(meeting: Meeting) -> list[Topic]:
    return list(
        db.session.scalars(
            sa.select(Topic)
            .where(Topic.body_id == meeting.body_id, Topic.status == "accepted")
            .order_by(Topic.id)
        )
    )


def _meeting_fields(form: MeetingForm) -> dict:
    starts = to_utc(form.starts_at.data)
    return {
        "title": form.title.data.strip(),
        "starts_at": starts,
        "ends_at": starts + timedelta(minutes=form.duration.data or 120),
        "place": (form.place.data or "").strip(),
        "notice_days": form.notice_days.data,
    }


def _meeting_summary(meeting: Meeting) -> dict:
    """What the audit log keeps of a meeting's details (JSON-ready)."""
    return {
        "title": meeting.title,
        "starts_at": meeting.starts_at.isoformat(),
        "place": meeting.place,
        "notice_days": meeting.notice_days,
    }


def _meeting_form(meeting: Meeting | None = None) -> MeetingForm:
    if meeting is None or request.method == "POST":
        return MeetingForm()
    local = to_user_timezone(meeting.starts_at).replace(tzinfo=None)
    length = (meeting.ends_at - meeting.starts_at) if meeting.ends_at else timedelta(hours=2)
    return MeetingForm(
        title=meeting.title,
        starts_at=local,
        duration=int(length.total_seconds() // 60),
        place=meeting.place,
        notice_days=meeting.notice_days,
    )


def _record_agenda(action: str, meeting: Meeting, item: AgendaItem, before=None, **after):
    """Audit an agenda change; once the agenda is public the change is listed on its page."""
    after = {"item_id": item.id, "title": item.title, **after}
    after["public"] = rules.agenda_is_public(meeting)
    audit.record(action, meeting, actor=current_user, before=before, after=after)


def _public_changes(meeting: Meeting) -> list[tuple]:
    """The agenda changes made after publishing (议程变更记录), oldest first."""
    events = db.session.scalars(
        sa.select(AuditEvent)
        .where(
            AuditEvent.object_type == "Meeting",
            AuditEvent.object_id == meeting.id,
            AuditEvent.action.in_(list(labels.CHANGE_LABELS)),
        )
        .order_by(AuditEvent.id)
    )
    return [
        (event.created_at, labels.CHANGE_LABELS[event.action] % {"title": event.after["title"]})
        for event in events
        if (event.after or {}).get("public")
    ]


def _presence_state(meeting: Meeting):
    rows = presence.presence_by_constituency(db.session, meeting)
    present, seats = sum(r.present for r in rows), sum(r.seats for r in rows)
    return rows, rules.quorum(present, seats, meeting.body.default_rule)


def _conditional(etag_source, page: str, partial: str, **context):
    """Answer 304 when the client already has what we would render (strong ETag of the data).

    The ETag is computed from the data behind the fragment, before any template is rendered,
    so a room of phones polling an unchanged panel costs a few small queries each.
    """
    source = [etag_source, str(get_locale()), bool(htmx_request.htmx)]
    etag = hashlib.sha256(json.dumps(source, default=str).encode()).hexdigest()
    if request.if_none_match.contains(etag):
        response = current_app.response_class(status=304)
        response.vary.add("HX-Request")
    else:
        response = render(page, partial, **context)
    response.set_etag(etag)
    response.cache_control.no_cache = True
    return response


def _manage_page(meeting: Meeting, status: int = 200, **forms):
    """The convener's room with fresh forms, except the bound ones given (with their errors)."""
    forms.setdefault("item_form", ItemForm(_accepted_topics(meeting), formdata=None))
    forms.setdefault("substitute_form", _substitute_form(meeting, formdata=None))
    forms.setdefault("proxy_form", _proxy_form(meeting, formdata=None))
    rows, quorum = _presence_state(meeting)
    notes_forms = {i.id: NotesForm(formdata=None, notes=i.notes) for i in meeting.items}
    notes_forms.update(forms.pop("bound_notes", {}))
    return (
        render_template(
            "meetings/manage.html",
            meeting=meeting,
            actions=[(a, labels.ACTION_LABELS[a]) for a in rules.allowed_actions(meeting)],
            roster=presence.roster(db.session, meeting),
            rows=rows,
            quorum=quorum,
            notes_forms=notes_forms,
            **forms,
        ),
        status,
    )


def _agenda_response(
    meeting: Meeting, item_form: ItemForm | None = None, status: int = 200, add_open=False
):
    """The agenda builder: its partial for htmx, else back to the room (Post/Redirect/Get).

    htmx gets 200 even for a refused form: htmx 2 does not swap 4xx answers, and the errors
    must appear next to the fields.
    """
    if htmx_request.htmx:
        form = item_form or ItemForm(_accepted_topics(meeting), formdata=None)
        return render(AGENDA, AGENDA, meeting=meeting, item_form=form, add_open=add_open)
    if item_form is not None and status != 200:
        return _manage_page(meeting, status, item_form=item_form)
    return _back(meeting, "#agenda")


def _seat_choices(meeting: Meeting) -> list[tuple[str, str]]:
    seats = db.session.scalars(
        sa.select(Seat)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id)
        .order_by(Constituency.position, Seat.number)
    )
    return [("", _("请选择"))] + [
        (str(s.id), f"{s.constituency.name} {s.number} {s.holder.name if s.holder else ''}")
        for s in seats
    ]


def _substitute_form(meeting: Meeting, formdata=...) -> SubstituteForm:
    form = SubstituteForm() if formdata is ... else SubstituteForm(formdata=formdata)
    form.seat_id.choices = _seat_choices(meeting)
    people = db.session.scalars(sa.select(User).where(User.active).order_by(User.name))
    form.user_id.choices = [("", _("请选择"))] + [(str(u.id), u.name) for u in people]
    return form


def _proxy_form(meeting: Meeting, formdata=...) -> ProxyForm:
    """The proxy form; every member is listed, saying who has checked in (only they qualify)."""
    form = ProxyForm() if formdata is ... else ProxyForm(formdata=formdata)
    form.seat_id.choices = _seat_choices(meeting)
    present = presence.present_people(db.session, meeting.id)
    members = (
        sa.select(Seat.holder_id)
        .join(Constituency)
        .where(Constituency.body_id == meeting.body_id, Seat.holder_id.is_not(None))
    )
    subs = sa.select(Substitute.user_id).where(Substitute.meeting_id == meeting.id)
    people = db.session.scalars(
        sa.select(User).where(User.id.in_(members.union(subs))).order_by(User.name)
    ).all()
    people.sort(key=lambda u: u.id not in present)
    form.holder_id.choices = [("", _("请选择已签到的成员"))] + [
        (
            str(u.id),
            _("%(name)s（已签到）", name=u.name)
            if u.id in present
            else _("%(name)s（未签到）", name=u.name),
        )
        for u in people
    ]
    return form


def _member_state(meeting: Meeting) -> dict:
    """The signed-in person's seats at the meeting and when they checked in."""
    if not current_user.is_authenticated:
        return {"my_seats": [], "my_attendance": None}
    seats = presence.seats_to_check_in(db.session, meeting, current_user.id)
    attendances = presence.attendances_of(db.session, meeting, [s.id for s in seats])
    done = len(attendances) == len(seats) and seats
    return {"my_seats": seats, "my_attendance": attendances[0] if done else None}


def _check_in_member(meeting: Meeting, method: str) -> None:
    """Check the signed-in member in for their seats; twice counts once."""
    if meeting.status not in ("published", "in_session"):
        flash(labels.ERRORS["not_checkin_time"], "bad")
        return
    seats = presence.seats_to_check_in(db.session, meeting, current_user.id)
    if not seats:
        flash(labels.ERRORS["no_seat"], "bad")
        return
    added = presence.check_in(db.session, meeting, seats, current_user.id, method)
    if added:
        audit.record(
            "meeting.checked_in",
            meeting,
            actor=current_user,
            after={"seats": [a.seat_id for a in added], "method": method},
        )
        db.session.commit()


# --- the public side --------------------------------------------------------------------------


@bp.get("/b/<slug>/meetings")
def index(slug: str):
    """The body's meetings: published ones for everyone, drafts too for its conveners."""
    body = policy.body_or_404(slug)
    convener = policy.is_convener(current_user, body)
    query = sa.select(Meeting).where(Meeting.body_id == body.id)
    if not convener:
        query = query.where(Meeting.status != "draft")
    meetings = db.session.scalars(query.order_by(Meeting.starts_at.desc())).all()
    form = MeetingForm(formdata=None) if convener else None
    return render_template("meetings/index.html", body=body, meetings=meetings, form=form)


@bp.route("/b/<slug>/meetings/new", methods=["GET", "POST"])
@policy.login_required
def new(slug: str):
    """A convener drafts a new meeting (time in the community's local time)."""
    body = policy.convened_body_or_403(slug)
    form = MeetingForm()
    if form.validate_on_submit():
        meeting = Meeting(body_id=body.id, checkin_token=secrets.token_urlsafe(16))
        for name, value in _meeting_fields(form).items():
            setattr(meeting, name, value)
        db.session.add(meeting)
        audit.record("meeting.created", meeting, actor=current_user, after={"title": meeting.title})
        db.session.commit()
        return redirect(url_for("meetings.manage", meeting_id=meeting.id), 303)
    return render_template("meetings/new.html", body=body, form=form, meeting=None)


@bp.route("/meetings/<int:meeting_id>/edit", methods=["GET", "POST"])
@policy.login_required
def edit(meeting_id: int):
    """A convener changes the meeting's title, time or place; after publishing it is listed."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    if meeting.status == "closed":
        abort(403)
    form = _meeting_form(meeting)
    if form.validate_on_submit():
        before = _meeting_summary(meeting)
        for name, value in _meeting_fields(form).items():
            setattr(meeting, name, value)
        after = _meeting_summary(meeting)
        after["public"] = rules.agenda_is_public(meeting)
        audit.record("meeting.edited", meeting, actor=current_user, before=before, after=after)
        db.session.commit()
        return _back(meeting)
    return render_template("meetings/new.html", body=meeting.body, form=form, meeting=meeting)


@bp.get("/meetings/<int:meeting_id>")
def show(meeting_id: int):
    """The public agenda; a member also sees whether they checked in, and can check in."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    return render_template(
        "meetings/show.html",
        meeting=meeting,
        can_manage=policy.is_convener(current_user, meeting.body),
        can_read_minutes=_may_read_minutes(meeting),
        changes=_public_changes(meeting),
        **_member_state(meeting),
    )


@bp.get("/meetings/<int:meeting_id>.ics", endpoint="ics")
def ics_file(meeting_id: int):
    """The published meeting as a calendar event."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    if meeting.status == "draft":
        abort(404)
    url = url_for("meetings.show", meeting_id=meeting.id, _external=True)
    body = ics.meeting_calendar(
        meeting, url=url, host=request.host.split(":")[0], kinds=labels.KIND_LABELS
    )
    response = current_app.response_class(body, mimetype="text/calendar")
    response.headers["Content-Disposition"] = f'attachment; filename="meeting-{meeting.id}.ics"'
    return response


@bp.get("/meetings/<int:meeting_id>/presence", endpoint="presence")
def presence_panel(meeting_id: int):
    """The live presence panel (polled every 3 s): 304 when nothing changed since last time."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    rows, quorum = _presence_state(meeting)
    source = [meeting.status, [list(vars(r).values()) for r in rows], quorum.met, quorum.short_by]
    return _conditional(
        source, "meetings/presence.html", PRESENCE, meeting=meeting, rows=rows, quorum=quorum
    )


# --- check-in ---------------------------------------------------------------------------------


@bp.route("/checkin/<token>", methods=["GET", "POST"])
@policy.login_required
def checkin(token: str):
    """The room's QR code: a member checks in with one big button (twice counts once)."""
    meeting = db.first_or_404(sa.select(Meeting).where(Meeting.checkin_token == token))
    if request.method == "POST" and EmptyForm().validate_on_submit():
        _check_in_member(meeting, "qr")
        return redirect(url_for("meetings.checkin", token=token), 303)
    return render_template("meetings/checkin.html", meeting=meeting, **_member_state(meeting))


@bp.post("/meetings/<int:meeting_id>/check-in")
@policy.login_required
def check_in_self(meeting_id: int):
    """A member checks in from the meeting's page (signed in by their personal link)."""
    meeting = policy.meeting_visible_or_404(meeting_id)
    if EmptyForm().validate_on_submit():
        _check_in_member(meeting, "link")
    return redirect(url_for("meetings.show", meeting_id=meeting.id), 303)


# --- the convener's room ----------------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/manage")
@policy.login_required
def manage(meeting_id: int):
    """The convener's room: state, agenda builder, presence, roster, substitutes and proxies."""
    return _manage_page(policy.meeting_to_manage_or_403(meeting_id))


@bp.post("/meetings/<int:meeting_id>/status")
@policy.login_required
def transition(meeting_id: int):
    """Publish the agenda, start the session or close the meeting, from the right state only."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    action = request.form.get("action", "")
    if not EmptyForm().validate_on_submit():
        return _back(meeting)
    before = meeting.status
    try:
        warnings = rules.transition(meeting, action, clock.now())
    except MeetingError as error:
        _refuse(error)
        return _back(meeting)
    audit.record(
        f"meeting.{action}", meeting, actor=current_user, before=before, after=meeting.status
    )
    db.session.commit()
    if "short_notice" in warnings:
        flash(
            _(
                "议程已发布。注意：距开会不足 %(days)s 天，少于规定的提前通知时间。",
                days=meeting.notice_days,
            ),
            "bad",
        )
    else:
        flash(_("已完成：%(action)s", action=labels.ACTION_LABELS[action]), "ok")
    return _back(meeting)


@bp.post("/meetings/<int:meeting_id>/items")
@policy.login_required
def add_item(meeting_id: int):
    """Add an agenda item from an accepted topic or as free text."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    topics = _accepted_topics(meeting)
    form = ItemForm(topics)
    if not form.validate_on_submit():
        return _agenda_response(meeting, form, 422)
    topic = next((t for t in topics if str(t.id) == form.topic_id.data), None)
    fields = {n: getattr(form, n).data for n in ("kind", "presenter", "minutes_allotted")}
    title = (form.title.data or "").strip() or topic.title
    description = form.description.data or (topic.description if topic else "")
    try:
        item = rules.add_item(meeting, title=title, description=description, topic=topic, **fields)
    except MeetingError as error:
        _refuse(error)
        return _back(meeting)
    if topic is not None:
        topic_rules.move(topic, "on_agenda", actor=current_user, note=meeting.title)
    _record_agenda("agenda.item_added", meeting, item)
    db.session.commit()
    return _agenda_response(meeting, add_open=True)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/move")
@policy.login_required
def move_item(meeting_id: int, item_id: int):
    """Move an item up or down (buttons that work on a phone); the new order is kept."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = MoveForm()
    if form.validate_on_submit():
        try:
            moved = rules.move_item(meeting, item, form.direction.data)
        except MeetingError as error:
            _refuse(error)
            return _back(meeting)
        if moved:
            _record_agenda("agenda.item_moved", meeting, item, position=item.position)
            db.session.commit()
    return _agenda_response(meeting)


@bp.route("/meetings/<int:meeting_id>/items/<int:item_id>/edit", methods=["GET", "POST"])
@policy.login_required
def edit_item(meeting_id: int, item_id: int):
    """Change an item's title, kind, presenter, time or description."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = _item_or_404(meeting, item_id)
    if not rules.agenda_editable(meeting):
        abort(403)
    form = ItemForm(obj=item)
    del form.topic_id
    if form.validate_on_submit():
        names = ("title", "kind", "presenter", "minutes_allotted", "description")
        before = {n: getattr(item, n) for n in names}
        for name in names:
            setattr(item, name, getattr(form, name).data)
        item.title = item.title.strip()
        _record_agenda("agenda.item_edited", meeting, item, before=before)
        db.session.commit()
        return _back(meeting, f"#item-{item.id}")
    return render_template("meetings/item_edit.html", meeting=meeting, item=item, form=form)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/remove")
@policy.login_required
def remove_item(meeting_id: int, item_id: int):
    """Take an item off the agenda; its topic goes back to the accepted topics."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = _item_or_404(meeting, item_id)
    if EmptyForm().validate_on_submit():
        try:
            rules.remove_item(meeting, item)
        except MeetingError as error:
            _refuse(error)
            return _back(meeting)
        if item.topic is not None and item.topic.status == "on_agenda":
            topic_rules.move(item.topic, "accepted", actor=current_user, note=meeting.title)
        _record_agenda("agenda.item_removed", meeting, item)
        db.session.commit()
    return _agenda_response(meeting)


@bp.post("/meetings/<int:meeting_id>/items/<int:item_id>/notes")
@policy.login_required
def item_notes(meeting_id: int, item_id: int):
    """Keep the convener's notes on an item for the minutes, until the meeting closes."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = _item_or_404(meeting, item_id)
    form = NotesForm()
    if not rules.agenda_editable(meeting):
        _refuse(MeetingError("closed"))
    elif form.validate_on_submit():
        before, item.notes = item.notes, form.notes.data or ""
        audit.record(
            "agenda.notes",
            meeting,
            actor=current_user,
            before={"notes": before},
            after={"item_id": item.id, "notes": item.notes},
        )
        db.session.commit()
        flash(_("纪要记录已保存。"), "ok")
    else:
        return _manage_page(meeting, 422, bound_notes={item.id: form})
    return _back(meeting, f"#item-{item.id}")


@bp.post("/meetings/<int:meeting_id>/current")
@policy.login_required
def set_current(meeting_id: int):
    """Point the room at an agenda item (or at none)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    raw = request.form.get("item_id", "")
    item = _item_or_404(meeting, int(raw)) if raw.isdigit() else None
    if EmptyForm().validate_on_submit():
        try:
            rules.set_current_item(meeting, item)
        except MeetingError as error:
            _refuse(error)
            return _back(meeting)
        audit.record(
            "meeting.current_item", meeting, actor=current_user, after=meeting.current_item_id
        )
        db.session.commit()
    return _back(meeting, "#agenda")


# --- roster: check-in by the convener, substitutes, proxies -----------------------------------


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/check-in")
@policy.login_required
def tick_in(meeting_id: int, seat_id: int):
    """The convener ticks a seat in from the list (its substitute or holder attends)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    seat = policy.seat_of_body_or_404(meeting.body_id, seat_id)
    if meeting.status not in ("published", "in_session"):
        _refuse(MeetingError("not_checkin_time" if meeting.status != "closed" else "closed"))
    elif EmptyForm().validate_on_submit():
        attendee = presence.seat_attendee_id(db.session, meeting, seat)
        if presence.check_in(db.session, meeting, [seat], attendee, "convener"):
            audit.record(
                "meeting.checked_in",
                meeting,
                actor=current_user,
                after={"seats": [seat.id], "method": "convener"},
            )
            db.session.commit()
    if htmx_request.htmx:
        return render(ROSTER, ROSTER, meeting=meeting, roster=presence.roster(db.session, meeting))
    return _back(meeting, "#roster")


@bp.post("/meetings/<int:meeting_id>/substitutes")
@policy.login_required
def set_substitute(meeting_id: int):
    """Record who takes a seat in place of its holder for this meeting, and who set it."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    form = _substitute_form(meeting)
    if meeting.status == "closed":
        abort(403)
    if not form.validate_on_submit():
        return _manage_page(meeting, 422, substitute_form=form)
    seat = policy.seat_of_body_or_404(meeting.body_id, int(form.seat_id.data))
    existing = db.session.scalar(
        sa.select(Substitute).filter_by(meeting_id=meeting.id, seat_id=seat.id)
    )
    if existing is None:
        existing = Substitute(meeting_id=meeting.id, seat_id=seat.id)
        db.session.add(existing)
    existing.user_id, existing.set_by_id = int(form.user_id.data), current_user.id
    audit.record(
        "meeting.substitute_set",
        meeting,
        actor=current_user,
        after={"seat_id": seat.id, "user_id": existing.user_id},
    )
    db.session.commit()
    flash(_("替补已登记。"), "ok")
    return _back(meeting, "#roster")


@bp.post("/meetings/<int:meeting_id>/proxies")
@policy.login_required
def set_proxy(meeting_id: int):
    """Record a proxy (委托): the seat's vote goes to a present member, set by the convener."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    form = _proxy_form(meeting)
    if meeting.status == "closed":
        abort(403)
    if not form.validate_on_submit():
        return _manage_page(meeting, 422, proxy_form=form)
    seat = policy.seat_of_body_or_404(meeting.body_id, int(form.seat_id.data))
    holder_id = int(form.holder_id.data)
    try:
        proxy = presence.add_proxy(db.session, meeting, seat, holder_id, current_user.id)
    except MeetingError as error:
        field = form.seat_id if error.code == "seat_taken" else form.holder_id
        field.errors.append(labels.ERRORS[error.code])
        return _manage_page(meeting, 422, proxy_form=form)
    audit.record(
        "meeting.proxy_set",
        meeting,
        actor=current_user,
        after={"seat_id": seat.id, "holder_id": proxy.holder_id},
    )
    db.session.commit()
    flash(_("委托已登记。"), "ok")
    return _back(meeting, "#roster")


@bp.post("/meetings/<int:meeting_id>/seats/<int:seat_id>/release")
@policy.login_required
def release(meeting_id: int, seat_id: int):
    """Withdraw a seat's substitute or proxy for this meeting (which one is in ``what``)."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    seat = policy.seat_of_body_or_404(meeting.body_id, seat_id)
    what = request.form.get("what", "")
    model = {"substitute": Substitute, "proxy": Proxy}.get(what)
    if model is None or meeting.status == "closed":
        abort(400 if model is None else 403)
    row = db.session.scalar(sa.select(model).filter_by(meeting_id=meeting.id, seat_id=seat.id))
    if row is not None and EmptyForm().validate_on_submit():
        db.session.delete(row)
        audit.record(
            f"meeting.{what}_removed", meeting, actor=current_user, before={"seat_id": seat.id}
        )
        db.session.commit()
    return _back(meeting, "#roster")


# --- the projector and the minutes ------------------------------------------------------------


@bp.get("/meetings/<int:meeting_id>/projector")
@policy.login_required
def projector(meeting_id: int):
    """The room's screen: current item, presence with quorum, the check-in QR code."""
    meeting = policy.meeting_to_manage_or_403(meeting_id)
    item = meeting.current_item
    source = [meeting.status, item and [item.id, item.title, item.kind, item.presenter]]
    url = url_for("meetings.checkin", token=meeting.checkin_token, _external=True)
    rows, quorum = _presence_state(meeting)
    return _conditional(
        source,
        "meetings/projector.html",
        CURRENT,
        meeting=meeting,
        item=item,
        rows=rows,
        quorum=quorum,
        checkin_url=url,
        qr=qr_svg(url, title=_("扫码签到"), scale=10),
    )


def _may_read_minutes(meeting: Meeting) -> bool:
    """Members and conveners of the body read the minutes."""
    body = meeting.body
    return policy.is_convener(current_user, body) or policy.is_member(current_user, body)


def _minutes_or_403(meeting_id: int):
    meeting = policy.meeting_visible_or_404(meeting_id)
    if not _may_read_minutes(meeting):
        abort(403)
    return meeting, minutes.collect(db.session, meeting)


@bp.get("/meetings/<int:meeting_id>/minutes", endpoint="minutes")
@policy.login_required
def minutes_page(meeting_id: int):
    """The minutes (会议纪要), printable."""
    meeting, data = _minutes_or_403(meeting_id)
    return render_template("meetings/minutes.html", meeting=meeting, m=data)


@bp.get("/meetings/<int:meeting_id>/minutes.md")
@policy.login_required
def minutes_md(meeting_id: int):
    """The minutes as a Markdown file."""
    meeting, data = _minutes_or_403(meeting_id)
    text = minutes.markdown(
        data,
        when=format_datetime(meeting.starts_at, "yyyy-MM-dd HH:mm"),
        kinds=labels.KIND_LABELS,
        _=_,
    )
    response = current_app.response_class(text, mimetype="text/markdown")
    response.headers["Content-Disposition"] = f'attachment; filename="minutes-{meeting.id}.md"'
    return response
