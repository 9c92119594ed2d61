"""Owners' decisions (业主共同决定): registry, decisions, owners' ballots, the result notice."""

import json
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    redirect,
    render_template,
    request,
    send_file,
    url_for,
)
from flask_babel import get_locale
from flask_login import current_user

from app import audit, audit_chainer, clock, policy, ratelimits
from app.extensions import db
from app.models import Body, DecisionAttachment, OwnerDecision, OwnersSettings, PaperBallot
from app.models.statuses import BallotChannel, PaperStatus
from app.owners import access, ballots, forms, labels, queries, registry, rules, uploads
from app.qr import qr_svg
from app.web.urls import external_url

bp = Blueprint("owners", __name__)


def _utc(local: datetime) -> datetime:
    """A time typed in the community's zone as the stored naive UTC time."""
    zone = ZoneInfo(current_app.config["LIANXI_TIMEZONE"])
    return local.replace(tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def _settings(body_id: int) -> OwnersSettings:
    return db.session.get(OwnersSettings, body_id) or OwnersSettings(
        body_id=body_id, notice_days=15, max_extension_days=15
    )


# --- the registry (房屋台账), for the owners' committee ----------------------------------------


@bp.get("/b/<slug>/owners")
@policy.login_required
def registry_view(slug: str):
    """The unit registry: buildings, units, owners and decisions (phones for the committee only)."""
    body = policy.convened_body_or_403(slug)
    summary = queries.registry_summary(db.session, body.id)
    pages = max(1, -(-summary["units"] // queries.PAGE_SIZE))
    page = min(max(request.args.get("page", 1, type=int), 1), pages)
    return render_template(
        "owners/registry.html",
        body=body,
        summary=summary,
        page=page,
        pages=pages,
        units=queries.registry_page(db.session, body.id, page),
        decisions=queries.decisions(db.session, body.id),
        form=forms.RegistryUploadForm(),
    )


@bp.post("/b/<slug>/owners/import")
@policy.login_required
def import_preview(slug: str):
    """Check the uploaded sheet and list every row with its problems; nothing is saved yet."""
    body = policy.convened_body_or_403(slug)
    form = forms.RegistryUploadForm()
    rows, sheet_error = None, None
    if form.validate_on_submit():
        upload = form.sheet.data
        try:
            table = registry.read_sheet(upload.filename or "", upload.read())
            rows = registry.check_rows(table, queries.existing_codes(db.session, body.id))
        except registry.SheetError as exc:
            sheet_error = labels.SHEET_ERRORS[str(exc)]
    ok = rows is not None and not any(row.problems for row in rows)
    save = forms.RegistrySaveForm(
        rows=json.dumps([r.to_json() for r in rows or []], ensure_ascii=False)
    )
    status = 200 if ok else 422
    return render_template(
        "owners/import_preview.html",
        body=body,
        form=form,
        rows=rows or [],
        ok=ok,
        sheet_error=sheet_error,
        save=save,
        problems=labels.ROW_PROBLEMS,
    ), status


@bp.post("/b/<slug>/owners/import/save")
@policy.login_required
def import_save(slug: str):
    """Save the previewed rows, checked again; refused whole if any row has a problem now."""
    body = policy.convened_body_or_403(slug)
    form = forms.RegistrySaveForm()
    if not form.validate_on_submit():
        abort(400)
    try:
        table = registry.rows_from_json(form.rows.data)
        rows = registry.check_rows(table, queries.existing_codes(db.session, body.id))
    except registry.SheetError:
        abort(400)
    if any(row.problems for row in rows):
        return redirect(url_for("owners.registry_view", slug=slug))
    added = ballots.save_registry(db.session, body.id, rows)
    audit.record("registry.imported", body, actor=current_user, after={"units": added})
    db.session.commit()
    return redirect(url_for("owners.registry_view", slug=slug))


@bp.get("/b/<slug>/owners/export.csv")
@policy.login_required
def export_csv(slug: str):
    """The registry back as CSV (UTF-8 with BOM), in the import's columns."""
    body = policy.convened_body_or_403(slug)
    data = registry.export_csv(queries.export_rows(db.session, body.id))
    return _download(data, "text/csv; charset=utf-8", f"registry-{body.slug}.csv")


@bp.get("/b/<slug>/owners/export.xlsx")
@policy.login_required
def export_xlsx(slug: str):
    """The registry back as an XLSX workbook, in the import's columns."""
    body = policy.convened_body_or_403(slug)
    data = registry.export_xlsx(queries.export_rows(db.session, body.id))
    return _download(data, XLSX, f"registry-{body.slug}.xlsx")


XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _download(data: bytes, mimetype: str, filename: str) -> Response:
    disposition = f'attachment; filename="{filename}"'
    return Response(data, mimetype=mimetype, headers={"Content-Disposition": disposition})


# --- decisions (表决事项) -------------------------------------------------------------------------


def _store_attachments(files, form) -> list[DecisionAttachment] | None:
    """Check and store the uploaded attachments; None (the error on the field) if one is bad."""
    stored = []
    for upload in files:
        try:
            name, mimetype, size = uploads.save_attachment(
                upload.stream, current_app.config["UPLOAD_FOLDER"]
            )
        except uploads.AttachmentError as exc:
            form.attachments.errors = [labels.ATTACHMENT_ERRORS[str(exc)]]
            return None
        title = (upload.filename or name).rsplit("/", 1)[-1][:200]
        stored.append(
            DecisionAttachment(title=title, stored_name=name, content_type=mimetype, size=size)
        )
    return stored


@bp.get("/owners/decisions/<int:decision_id>/attachments/<int:attachment_id>")
def attachment(decision_id: int, attachment_id: int):
    """An attachment of the proposal, served with its checked type (public, like the proposal)."""
    decision = access.decision_or_404(decision_id)
    item = next((a for a in decision.attachments if a.id == attachment_id), None) or abort(404)
    path = uploads.attachment_file(current_app.config["UPLOAD_FOLDER"], item.stored_name)
    if path is None:
        abort(404)
    response = send_file(path, mimetype=item.content_type, max_age=3600)
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response


@bp.route("/b/<slug>/owners/settings", methods=["GET", "POST"])
@policy.login_required
def settings(slug: str):
    """The compound's notice period and longest extension (业主大会议事规则), audited."""
    body = policy.convened_body_or_403(slug)
    current = _settings(body.id)
    form = forms.SettingsForm(obj=current)
    if form.validate_on_submit():
        before = {
            "notice_days": current.notice_days,
            "max_extension_days": current.max_extension_days,
        }
        form.populate_obj(current)
        db.session.add(current)
        audit.record(
            "owners_settings.changed",
            body,
            actor=current_user,
            before=before,
            after={
                "notice_days": current.notice_days,
                "max_extension_days": current.max_extension_days,
            },
        )
        db.session.commit()
        return redirect(url_for("owners.registry_view", slug=slug))
    return render_template("owners/settings.html", body=body, form=form), (
        422 if form.is_submitted() else 200
    )


@bp.post("/owners/decisions/<int:decision_id>/resolution")
@policy.login_required
def record_resolution(decision_id: int):
    """Record a passed decision as a numbered (draft) resolution, to assign follow-up tasks."""
    decision = access.decision_to_run_or_403(decision_id)
    if not forms.ChoiceForm().validate_on_submit():
        abort(400)
    if not rules.may_record_resolution(decision.passed, decision.outcome_resolution_id):
        abort(409)
    body = decision_body(decision)
    resolution = ballots.outcome_resolution(
        db.session, decision, body, current_app.config["LIANXI_TIMEZONE"]
    )
    audit.record(
        "owner_decision.resolution",
        decision,
        actor=current_user,
        after={"resolution": resolution.number_text},
    )
    db.session.commit()
    return redirect(url_for("followup.resolution", resolution_id=resolution.id))


@bp.route("/b/<slug>/owners/decisions/new", methods=["GET", "POST"])
@policy.login_required
def new_decision(slug: str):
    """Announce a new decision: the matter, proposal, scope and voting window after the notice."""
    body = policy.convened_body_or_403(slug)
    form = forms.DecisionForm()
    buildings = queries.buildings(db.session, body.id)
    form.buildings.choices = [(str(b.id), b.name) for b in buildings]
    resolutions = queries.resolutions_of(db.session, body.id)
    form.resolution.choices = [("", "—")] + [
        (str(r.id), f"{r.number_text} {r.title}") for r in resolutions
    ]
    settings = _settings(body.id)
    if form.validate_on_submit():
        now = clock.now()
        opens, closes = _utc(form.opens_at.data), _utc(form.closes_at.data)
        problems = rules.window_problems(now, opens, closes, settings.notice_days)
        chosen = [b for b in buildings if str(b.id) in form.buildings.data]
        if not form.whole_compound.data and not chosen:
            form.buildings.errors = [labels.NO_SCOPE]
        if "opens_at" in problems:
            form.opens_at.errors = [labels.notice_error(settings.notice_days)]
        if "closes_at" in problems:
            form.closes_at.errors = [labels.WINDOW_ORDER]
        files = [f for f in form.attachments.data or [] if f and f.filename]
        stored = _store_attachments(files, form)
        if stored is not None and not problems and (form.whole_compound.data or chosen):
            item = int(form.item.data)
            decision = OwnerDecision(
                body_id=body.id,
                title=form.title.data,
                text=form.text.data,
                item=item,
                matter=rules.matter_of(item),
                whole_compound=bool(form.whole_compound.data),
                announced_at=now,
                opens_at=opens,
                closes_at=closes,
                created_by_id=current_user.id,
                buildings=[] if form.whole_compound.data else chosen,
                resolution_id=int(form.resolution.data) if form.resolution.data else None,
                attachments=stored,
            )
            db.session.add(decision)
            audit.record("owner_decision.announced", decision, actor=current_user)
            db.session.commit()
            return redirect(url_for("owners.decision", decision_id=decision.id))
    status = 422 if form.is_submitted() else 200
    return render_template(
        "owners/new_decision.html", body=body, form=form, settings=settings
    ), status


@bp.get("/b/<slug>/owners/decisions")
def board_list(slug: str):
    """The compound's owners' decisions on the public board: announced, voting, results."""
    body = policy.body_or_404(slug)
    access.close_due(queries.decisions(db.session, body.id))
    decisions = queries.decisions(db.session, body.id)
    now = clock.now()
    phases = {d.id: rules.phase(d.status, d.opens_at, d.closes_at, now) for d in decisions}
    return render_template(
        "owners/board_list.html",
        body=body,
        decisions=decisions,
        phases=phases,
        labels=labels,
        is_committee=policy.is_convener(current_user, body),
    )


@bp.get("/owners/decisions/<int:decision_id>")
def decision(decision_id: int):
    """A decision on the public board: proposal, window, participation, and after close the 公示."""
    decision = access.decision_or_404(decision_id)
    return render_template("owners/decision.html", **_board_context(decision))


@bp.get("/owners/decisions/<int:decision_id>/notice")
def result_notice(decision_id: int):
    """The result notice (公示) alone, printable on A4."""
    decision = access.decision_or_404(decision_id)
    if decision.frozen is None:
        abort(404)
    return render_template("owners/result_print.html", **_board_context(decision))


@bp.get("/owners/decisions/<int:decision_id>/result.json")
def result_json(decision_id: int):
    """Open data: the frozen case (units by code and area, owner keys) and its result."""
    decision = access.decision_or_404(decision_id)
    if decision.frozen is None:
        abort(404)
    payload = {
        "decision": decision.id,
        "title": decision.title,
        "matter": decision.matter,
        "item": decision.item,
        "legal_basis": rules.LEGAL_BASIS,
        "closed_at": decision.closed_at.isoformat() + "Z",
        **decision.frozen,
    }
    return current_app.response_class(
        json.dumps(payload, ensure_ascii=False), mimetype="application/json"
    )


def _board_context(decision: OwnerDecision) -> dict:
    now = clock.now()
    return {
        "decision": decision,
        "phase": rules.phase(decision.status, decision.opens_at, decision.closes_at, now),
        "progress": ballots.progress(db.session, decision) if decision.frozen is None else None,
        "result": ballots.frozen_result(decision, get_locale().language),
        "labels": labels,
        "legal_basis": labels.LEGAL_BASIS,
        "item_text": labels.ARTICLE_278[decision.item],
        "is_committee": policy.is_convener(current_user, decision_body(decision)),
    }


def decision_body(decision: OwnerDecision) -> Body:
    """The compound (body) of a decision."""
    return db.session.get(Body, decision.body_id)


@bp.post("/owners/decisions/<int:decision_id>/extend")
@policy.login_required
def extend(decision_id: int):
    """Extend the window once, within the body's maximum, with the reason on the board."""
    decision = access.decision_to_run_or_403(decision_id)
    form = forms.ExtendForm()
    if form.validate_on_submit():
        progress = ballots.progress(db.session, decision)
        met = progress.owners_ratio >= rules.TWO_THIRDS and progress.area_ratio >= rules.TWO_THIRDS
        new_close = _utc(form.closes_at.data)
        check = rules.may_extend(
            decision.status,
            decision.extended_at is not None,
            met,
            decision.closes_at,
            new_close,
            _settings(decision.body_id).max_extension_days,
        )
        if check.allowed:
            before = {"closes_at": decision.closes_at.isoformat()}
            decision.closes_at, decision.extended_at = new_close, clock.now()
            decision.extension_reason = form.reason.data
            audit.record(
                "owner_decision.extended",
                decision,
                actor=current_user,
                before=before,
                after={"closes_at": new_close.isoformat(), "reason": form.reason.data},
            )
            db.session.commit()
            return redirect(url_for("owners.decision", decision_id=decision.id))
        form.closes_at.errors = [labels.EXTENSION_REFUSALS[check.reason]]
    return render_template("owners/extend.html", decision=decision, form=form), 422


@bp.get("/owners/decisions/<int:decision_id>/extend")
@policy.login_required
def extend_form(decision_id: int):
    """The extension form."""
    decision = access.decision_to_run_or_403(decision_id)
    return render_template("owners/extend.html", decision=decision, form=forms.ExtendForm())


@bp.post("/owners/decisions/<int:decision_id>/notices")
@policy.login_required
def notices(decision_id: int):
    """Issue fresh personal codes to every owner contact in scope and print their notices.

    Codes are shown only here (the database keeps their hashes); printing again replaces them.
    """
    decision = access.decision_to_run_or_403(decision_id)
    if not forms.ChoiceForm().validate_on_submit():
        abort(400)
    sheets = []
    for contact in queries.contacts_in_scope(db.session, decision):
        code = contact.issue_code()
        url = external_url("owners.owner_home", code=code)
        sheets.append({"contact": contact, "code": code, "url": url, "qr": qr_svg(url)})
    entry = external_url("owners.enter_code")
    audit.record("owner_codes.issued", decision, actor=current_user, after={"count": len(sheets)})
    db.session.commit()
    return render_template("owners/notices.html", decision=decision, sheets=sheets, entry=entry)


@bp.get("/owners/decisions/<int:decision_id>/door-to-door")
@policy.login_required
def door_to_door(decision_id: int):
    """Per building, the owners who have not voted yet (no choices), to print for 楼栋长."""
    decision = access.decision_to_run_or_403(decision_id)
    return render_template(
        "owners/door_to_door.html",
        decision=decision,
        listing=queries.not_voted_by_building(db.session, decision),
    )


# --- paper ballots (纸质表决票): 录入 then 复核 by another person ---------------------------------


@bp.route("/owners/decisions/<int:decision_id>/paper", methods=["GET", "POST"])
@policy.login_required
def paper(decision_id: int):
    """Enter a paper ballot (录入); it counts only after another person confirms it."""
    decision = access.decision_to_run_or_403(decision_id)
    form = forms.PaperForm()
    status = 200
    if form.validate_on_submit():
        unit = queries.unit_by_code(db.session, decision, form.unit.data)
        if unit is None:
            form.unit.errors = [labels.UNKNOWN_UNIT]
        elif decision.frozen is not None:
            form.unit.errors = [labels.VOTE_REFUSALS["closed"]]
        else:
            entry = PaperBallot(
                decision_id=decision.id,
                serial=form.serial.data.strip(),
                unit_id=unit.id,
                choice=form.choice.data,
                entered_by_id=current_user.id,
            )
            if ballots.add_paper(db.session, entry):
                audit.record(
                    "paper_ballot.entered",
                    entry,
                    actor=current_user,
                    after={"serial": entry.serial, "unit": unit.code},
                )
                db.session.commit()
                return redirect(url_for("owners.paper", decision_id=decision.id))
            form.serial.errors = [labels.DUPLICATE_SERIAL]
        status = 422
    elif form.is_submitted():
        status = 422
    return render_template(
        "owners/paper.html",
        decision=decision,
        form=form,
        confirm=forms.ChoiceForm(),
        entries=queries.paper_ballots(db.session, decision.id),
        labels=labels,
        outcome=None,
    ), status


@bp.post("/owners/paper/<int:paper_id>/confirm")
@policy.login_required
def confirm_paper(paper_id: int):
    """Confirm a paper ballot (复核) by a second person: it counts, or is listed as a conflict."""
    entry = access.paper_locked_or_404(paper_id)
    decision = access.decision_to_run_or_403(entry.decision_id)
    if not forms.ChoiceForm().validate_on_submit() or entry.status != PaperStatus.ENTERED:
        abort(400)
    if decision.frozen is not None:
        abort(409)
    owner = entry.unit.owner
    has = ballots.ballot_of(db.session, decision.id, owner.id) is not None
    outcome = rules.paper_outcome(entry.entered_by_id, current_user.id, has)
    if outcome != "same_person":
        cast = None
        if outcome == "counted":
            cast = ballots.cast(
                db.session, decision, owner, None, entry.choice, BallotChannel.PAPER, clock.now()
            )
        entry.status = PaperStatus.COUNTED if cast else PaperStatus.CONFLICT
        entry.confirmed_by_id, entry.confirmed_at = current_user.id, clock.now()
        audit.record(
            "paper_ballot.confirmed", entry, actor=current_user, after={"status": entry.status}
        )
        db.session.commit()
    return render_template(
        "owners/paper.html",
        decision=decision,
        form=forms.PaperForm(formdata=None),
        confirm=forms.ChoiceForm(),
        entries=queries.paper_ballots(db.session, decision.id),
        labels=labels,
        outcome=labels.PAPER_OUTCOMES[outcome],
    ), 422 if outcome == "same_person" else 200


# --- owners, with their personal code: no account -------------------------------------------


@bp.route("/o", methods=["GET", "POST"])
def enter_code():
    """Type the short code printed on the notice (表决通知书)."""
    form = forms.CodeForm()
    if form.validate_on_submit():
        code = "".join(form.code.data.split()).upper()
        if queries.contact_for_code(db.session, code):
            return redirect(url_for("owners.owner_home", code=code))
        if ratelimits.unknown_token("LIANXI_LINK_LIMIT_IP").refused:
            abort(429)
        form.code.errors = [labels.WRONG_CODE]
        return render_template("owners/enter_code.html", form=form), 404
    return render_template("owners/enter_code.html", form=form), 422 if form.is_submitted() else 200


@bp.get("/o/<code>")
def owner_home(code: str):
    """An owner's page: the decisions of their compound that concern them."""
    contact = access.contact_or_404(code)
    owned = queries.owner_decisions(db.session, contact.owner)
    return render_template("owners/owner_home.html", contact=contact, code=code, decisions=owned)


@bp.get("/o/<code>/d/<int:decision_id>")
def ballot(code: str, decision_id: int):
    """The owner's ballot: the proposal and 同意 / 反对 / 弃权, or the receipt once voted."""
    contact, decision = access.decision_of_contact_or_404(code, decision_id)
    return _ballot_page(code, contact, decision)


@bp.post("/o/<code>/d/<int:decision_id>")
def cast(code: str, decision_id: int):
    """A choice: first the explicit confirmation step, then (confirm=1) it is recorded once."""
    contact, decision = access.decision_of_contact_or_404(code, decision_id)
    form = forms.ChoiceForm()
    refusal = ballots.refusal(db.session, decision, contact.owner, clock.now())
    choice = rules.parse_choice(form.choice.data)
    if not form.validate_on_submit() or refusal:
        return _ballot_page(code, contact, decision, refusal or "", 409 if refusal else 400)
    if choice is None:
        return _ballot_page(code, contact, decision, status=422)
    if form.confirm.data != "1":
        return _ballot_page(code, contact, decision, step="confirm", choice=choice)
    if ballots.cast_by_phone(db.session, decision, contact, choice, clock.now()) is None:
        # A co-owner's (or a paper) ballot came first: it is the one that counts.
        return _ballot_page(code, contact, decision, "already", 409)
    db.session.commit()
    audit_chainer.chain_after_commit()
    # decision_id, not decision.id: the commit expired the decision, and reading it again
    # would be one more transaction per ballot.
    return redirect(url_for("owners.ballot", code=code, decision_id=decision_id))


def _ballot_page(code, contact, decision, refusal="", status=200, step="choose", choice=""):
    """The ballot page in its state: choose, confirm, receipt, or a refusal in words."""
    owner = contact.owner
    return render_template(
        "owners/ballot.html",
        contact=contact,
        code=code,
        decision=decision,
        mine=ballots.ballot_of(db.session, decision.id, owner.id),
        refusal=labels.VOTE_REFUSALS[refusal] if refusal else None,
        step=step,
        choice=choice,
        labels=labels,
        phase=rules.phase(decision.status, decision.opens_at, decision.closes_at, clock.now()),
        units=ballots.units_in_scope(db.session, decision, owner.id),
        item_text=labels.ARTICLE_278[decision.item],
    ), status
