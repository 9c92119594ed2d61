"""Setting up a body (联席会议设置) for its conveners and administrators.

Constituencies and their seats, the seat suggestion from quotas, the other settings, the default
voting rule and the roster of members. Every view loads the body with
``policy.convened_body_or_403``: anonymous visitors are sent to sign in, others get 403.
"""

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user
from wtforms import SelectChoice

from app import audit, clock, policy
from app.bodies import setup
from app.bodies.access import constituency_of_body_or_404
from app.bodies.forms import (
    ApplyApportionForm,
    ApportionForm,
    ConstituencyForm,
    NewConstituencyForm,
    RuleForm,
    SeatForm,
    SettingsForm,
)
from app.bodies.labels import preset_texts
from app.bodies.setup import SetupError
from app.counting import presets
from app.counting.presets import PRESETS
from app.extensions import db
from app.models import Body
from app.qr import qr_svg
from app.web import confirm, htmx
from app.web.forms import EmptyForm
from app.web.urls import external_url

bp = Blueprint("bodies", __name__, url_prefix="/b/<slug>")


def _setup_page(body: Body, status: int = 200, partial: str | None = None, **forms):
    """The set-up page with fresh forms, except the ones given (bound, with their errors)."""
    forms.setdefault("new_form", NewConstituencyForm(formdata=None))
    forms.setdefault("apportion_form", ApportionForm(formdata=None, total=body.seat_count))
    forms.setdefault("settings_form", SettingsForm.for_body(body))
    forms.setdefault("suggestion", None)
    forms.setdefault("suggestion_error", None)
    response = htmx.render(
        "bodies/setup.html",
        partial,
        body=body,
        warnings=setup.roster_warnings(body),
        rule_text=presets.describe_rule(body.default_rule, body, _),
        action_form=EmptyForm(),
        **forms,
    )
    response.status_code = status
    return response


@bp.get("/setup", endpoint="setup")
@policy.login_required
def setup_page(slug: str):
    """The body's set-up page: constituencies, seat suggestion, settings and the rule."""
    return _setup_page(policy.convened_body_or_403(slug))


@bp.post("/constituencies")
@policy.login_required
def add_constituency(slug: str):
    """Add a constituency with its seats (all vacant at first)."""
    body = policy.convened_body_or_403(slug)
    form = NewConstituencyForm()
    if form.validate_on_submit():
        position = form.position.data
        if position is None:
            position = setup.next_position(body)
        try:
            constituency = setup.add_constituency(
                body,
                key=form.key.data,
                name=form.name.data.strip(),
                seats=form.seats.data,
                share=setup.share_text(form.share.data),
                share_is_minimum=form.share_is_minimum.data,
                position=position,
            )
        except SetupError as error:
            form.key.errors.append(error.say(_))
        else:
            audit.record(
                "constituency.created",
                constituency,
                actor=current_user,
                after=setup.constituency_state(constituency),
            )
            db.session.commit()
            flash(_("已添加界别“%(name)s”。", name=constituency.name))
            return redirect(url_for("bodies.setup", slug=slug) + "#constituencies")
    return _setup_page(body, 422, new_form=form)


@bp.route("/constituencies/<int:constituency_id>/edit", methods=["GET", "POST"])
@policy.login_required
def edit_constituency(slug: str, constituency_id: int):
    """Change a constituency's name, seats, share, minimum flag or order."""
    body = policy.convened_body_or_403(slug)
    constituency = constituency_of_body_or_404(body, constituency_id)
    form = ConstituencyForm(obj=constituency)
    if form.validate_on_submit():
        before = setup.constituency_state(constituency)
        try:
            setup.update_constituency(
                db.session,
                constituency,
                name=form.name.data,
                seats=form.seats.data,
                share=setup.share_text(form.share.data),
                share_is_minimum=form.share_is_minimum.data,
                position=form.position.data,
            )
        except SetupError as error:
            form.seats.errors.append(error.say(_))
        else:
            audit.record(
                "constituency.updated",
                constituency,
                actor=current_user,
                before=before,
                after=setup.constituency_state(constituency),
            )
            db.session.commit()
            return redirect(url_for("bodies.setup", slug=slug) + "#constituencies")
    return render_template(
        "bodies/constituency_edit.html", body=body, constituency=constituency, form=form
    )


@bp.post("/constituencies/<int:constituency_id>/remove")
@policy.login_required
def remove_constituency(slug: str, constituency_id: int):
    """Remove a constituency, unless its seats were used at a meeting (then say why)."""
    body = policy.convened_body_or_403(slug)
    constituency = constituency_of_body_or_404(body, constituency_id)
    if EmptyForm().validate_on_submit():
        before = setup.constituency_state(constituency)
        try:
            setup.remove_constituency(db.session, body, constituency)
        except SetupError as error:
            flash(error.say(_), "bad")
        else:
            audit.record(
                "constituency.removed",
                None,
                actor=current_user,
                object_type="Constituency",
                before=before | {"id": constituency_id},
            )
            db.session.commit()
            flash(_("已删除界别“%(name)s”。", name=before["name"]))
    return redirect(url_for("bodies.setup", slug=slug) + "#constituencies")


@bp.get("/apportion")
@policy.login_required
def apportion(slug: str):
    """Suggest whole seats per constituency for the total typed (按配额分配席位)."""
    body = policy.convened_body_or_403(slug)
    form = ApportionForm(formdata=request.args)
    suggestion = error = None
    if form.validate():
        try:
            suggestion = setup.suggest_seats(body.constituencies, form.total.data)
        except SetupError as problem:
            error = problem.say(_)
    return _setup_page(
        body,
        partial="bodies/partials/apportion.html",
        apportion_form=form,
        suggestion=suggestion,
        suggestion_error=error,
    )


@bp.post("/apportion/apply")
@policy.login_required
def apply_apportion(slug: str):
    """Give every constituency the suggested seats for the total."""
    body = policy.convened_body_or_403(slug)
    form = ApplyApportionForm()
    if not form.validate_on_submit():
        return redirect(url_for("bodies.setup", slug=slug))
    try:
        suggestion = setup.suggest_seats(body.constituencies, form.total.data)
        changed = setup.apply_suggestion(db.session, suggestion)
    except SetupError as error:
        db.session.rollback()
        flash(error.say(_), "bad")
        return redirect(url_for("bodies.setup", slug=slug) + "#apportion")
    audit.record(
        "body.seats_apportioned",
        body,
        actor=current_user,
        before={key: old for key, (old, new) in changed.items()},
        after={"total": form.total.data} | {key: new for key, (old, new) in changed.items()},
    )
    db.session.commit()
    total = form.total.data
    flash(ngettext("已按建议调整席位，共 %(num)s 席。", "已按建议调整席位，共 %(num)s 席。", total))
    return redirect(url_for("bodies.setup", slug=slug) + "#constituencies")


@bp.post("/settings")
@policy.login_required
def settings(slug: str):
    """Save the other settings: seconds, proxies, categories, numbering and rating rule."""
    body = policy.convened_body_or_403(slug)
    form = SettingsForm()
    if not form.validate_on_submit():
        return _setup_page(body, 422, settings_form=form)
    before = setup.settings_state(body)
    setup.change_settings(
        body,
        seconds_needed=form.seconds_needed.data,
        allow_multiple_proxies=form.allow_multiple_proxies.data,
        minutes_members_only=form.minutes_members_only.data,
        confirm_ballots=form.confirm_ballots.data,
        resolution_number_format=form.resolution_number_format.data,
        rating_rule=form.rating_rule.data,
        topic_categories=form.topic_categories.data,
    )
    audit.record(
        "body.settings_changed",
        body,
        actor=current_user,
        before=before,
        after=setup.settings_state(body),
    )
    db.session.commit()
    flash(_("设置已保存。"))
    return redirect(url_for("bodies.setup", slug=slug) + "#settings")


@bp.route("/rule", methods=["GET", "POST"])
@policy.login_required
def rule(slug: str):
    """The body's default voting rule: a preset people know by name, or advanced fields."""
    body = policy.convened_body_or_403(slug)
    form = RuleForm() if request.method == "POST" else RuleForm.for_body(body)
    form.concurrent.choices = [SelectChoice(c.key, c.name) for c in body.constituencies]
    if form.validate_on_submit() and (new_rule := form.rule_for(body)) is not None:
        before = body.default_rule
        body.default_rule = new_rule
        audit.record("body.rule_changed", body, actor=current_user, before=before, after=new_rule)
        db.session.commit()
        flash(_("表决规则已保存：%(text)s", text=presets.describe_rule(new_rule, body, _)))
        return redirect(url_for("bodies.setup", slug=slug) + "#rule")
    return render_template(
        "bodies/rule.html",
        body=body,
        form=form,
        presets=PRESETS,
        preset_rules=preset_texts(body),
        rule_text=presets.describe_rule(body.default_rule, body, _),
    )


@bp.get("/roster")
@policy.login_required
def roster(slug: str):
    """Each constituency's seats and who holds them, with warnings for broken minimums."""
    body = policy.convened_body_or_403(slug)
    return render_template(
        "bodies/roster.html",
        body=body,
        warnings=setup.roster_warnings(body),
        filled=setup.filled_seats(body),
        action_form=EmptyForm(),
    )


@bp.route("/seats/<int:seat_id>", methods=["GET", "POST"])
@policy.login_required
def seat(slug: str, seat_id: int):
    """Give a seat to a member: an existing person by phone, or a new person."""
    body = policy.convened_body_or_403(slug)
    seat = policy.seat_of_body_or_404(body.id, seat_id)
    form = SeatForm.for_seat(seat)
    if form.validate_on_submit():
        before = setup.seat_state(seat)
        try:
            setup.assign_holder(
                db.session,
                seat,
                name=form.name.data,
                phone=form.phone.data,
                represents=form.represents.data or "",
            )
        except SetupError as error:
            form.phone.errors.append(error.say(_))
        else:
            audit.record(
                "seat.assigned",
                seat,
                actor=current_user,
                before=before,
                after=setup.seat_state(seat),
            )
            db.session.commit()
            flash(_("已安排 %(name)s 担任此席位。", name=seat.holder.name))
            return redirect(url_for("bodies.roster", slug=slug) + f"#seat-{seat.id}")
    return render_template("bodies/seat.html", body=body, seat=seat, form=form)


@bp.post("/seats/<int:seat_id>/vacate")
@policy.login_required
def vacate_seat(slug: str, seat_id: int):
    """Leave a seat vacant (the person keeps their account and history)."""
    body = policy.convened_body_or_403(slug)
    seat = policy.seat_of_body_or_404(body.id, seat_id)
    if EmptyForm().validate_on_submit() and seat.holder_id is not None:
        if not confirm.confirmed():
            return confirm.ask(url_for("bodies.roster", slug=slug), f"vacate-{seat.id}")
        before = setup.seat_state(seat)
        setup.vacate(seat)
        audit.record(
            "seat.vacated", seat, actor=current_user, before=before, after=setup.seat_state(seat)
        )
        db.session.commit()
        flash(_("席位已腾出。"))
    return redirect(url_for("bodies.roster", slug=slug) + f"#seat-{seat.id}")


@bp.get("/sign-in-cards")
@policy.login_required
def sign_in_cards(slug: str):
    """The members who have no valid personal sign-in link yet, before printing their cards."""
    body = policy.convened_body_or_403(slug)
    seats = setup.seats_without_link(db.session, body, clock.now())
    return render_template("bodies/cards.html", body=body, seats=seats, action_form=EmptyForm())


@bp.post("/sign-in-cards")
@policy.login_required
def print_sign_in_cards(slug: str):
    """Make a personal link for each of those members and show printable cards (shown once)."""
    body = policy.convened_body_or_403(slug)
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("bodies.sign_in_cards", slug=slug))
    issued = setup.issue_missing_links(
        db.session, body, current_user, days=current_app.config["SIGN_IN_LINK_DAYS"], at=clock.now()
    )
    cards = []
    for seat, link, token in issued:
        audit.record(
            "sign_in_link.issued", link, actor=current_user, after={"user_id": seat.holder_id}
        )
        url = external_url("accounts.link_sign_in", token=token)
        cards.append((seat, url, qr_svg(url, scale=4)))
    db.session.commit()
    return render_template("bodies/cards_print.html", body=body, cards=cards)
