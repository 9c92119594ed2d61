"""Service points: organisers record and confirm service, volunteers show a QR, shops redeem."""

from datetime import timedelta

from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.extensions import db
from app.models import Body
from app.points import access, forms, ledger, queries
from app.qr import qr_svg
from app.web.forms import EmptyForm
from app.web.urls import external_url

bp = Blueprint("points", __name__)


def _organiser_page(body: Body, status=200, service_form=None, rate_form=None):
    entries = queries.recent_entries(db.session, body)
    shop_form = forms.ShopForm()
    shop_form.unit.choices = [(u.id, u.name) for u in queries.uncertified_units(db.session, body)]
    return (
        render_template(
            "points/organiser.html",
            body=body,
            service_form=service_form or forms.ServiceForm(),
            unconfirmed=queries.unconfirmed(db.session, body),
            entries=entries,
            reversed_ids=queries.reversed_ids(db.session, (e.id for e in entries)),
            names=queries.account_names(db.session, body),
            balances=queries.balances(db.session, body),
            shops=queries.shops(db.session, body),
            shop_form=shop_form,
            reverse_form=forms.ReverseForm(),
            rate=ledger.rate_of(db.session, body.id),
            rate_form=rate_form
            or forms.RateForm(points_per_hour=ledger.rate_of(db.session, body.id)),
            form=EmptyForm(),
        ),
        status,
    )


@bp.get("/bodies/<slug>/points")
@policy.login_required
def organiser(slug: str):
    """The organiser's page: record service, confirm others' records, the ledger, the shops."""
    return _organiser_page(policy.convened_body_or_403(slug))


@bp.post("/bodies/<slug>/points/service")
@policy.login_required
def record_service(slug: str):
    """Record a volunteer's service hours; a second person confirms them later."""
    body = policy.convened_body_or_403(slug)
    form = forms.ServiceForm()
    if not form.validate_on_submit():
        return _organiser_page(body, 422, form)
    volunteer = queries.user_by_phone(db.session, form.phone.data)
    if volunteer is None:
        form.phone.errors.append(_("没有这个手机号的账号，请先为志愿者开通账号。"))
        return _organiser_page(body, 422, form)
    account = ledger.account_for(db.session, body.id, volunteer.id)
    record = ledger.record_service(
        db.session,
        account,
        served_on=form.served_on.data,
        hours=form.hours.data,
        description=form.description.data,
        recorded_by_id=current_user.id,
    )
    audit.record("service.recorded", record, actor=current_user, after={"hours": str(record.hours)})
    db.session.commit()
    flash(_("已登记，请另一位工作人员复核后计入积分。"), "ok")
    return redirect(url_for("points.organiser", slug=slug), 303)


@bp.post("/bodies/<slug>/points/rate")
@policy.login_required
def set_rate(slug: str):
    """The convener sets how many points an hour of confirmed service earns."""
    body = policy.convened_body_or_403(slug)
    form = forms.RateForm()
    if not form.validate_on_submit():
        return _organiser_page(body, 422, rate_form=form)
    before = ledger.set_rate(db.session, body.id, form.points_per_hour.data)
    audit.record(
        "points.rate_set",
        body,
        actor=current_user,
        before={"points_per_hour": str(before)},
        after={"points_per_hour": str(form.points_per_hour.data)},
    )
    db.session.commit()
    return redirect(url_for("points.organiser", slug=slug), 303)


@bp.post("/service-records/<int:record_id>/confirm")
@policy.login_required
def confirm(record_id: int):
    """A second person confirms (复核) a service record; its points are credited."""
    record = access.record_to_confirm_or_403(record_id)
    slug = record.account.body.slug
    if not EmptyForm().validate_on_submit():
        return redirect(url_for("points.organiser", slug=slug), 303)
    try:
        entry = ledger.confirm_service(
            db.session, record, confirmed_by_id=current_user.id, now=clock.now()
        )
    except ledger.PointsError:
        flash(_("登记人不能复核自己登记的服务，或已经复核过。"), "bad")
        return redirect(url_for("points.organiser", slug=slug), 303)
    audit.record(
        "service.confirmed", record, actor=current_user, after={"points": str(entry.points)}
    )
    db.session.commit()
    return redirect(url_for("points.organiser", slug=slug), 303)


@bp.post("/ledger/<int:entry_id>/reverse")
@policy.login_required
def reverse(entry_id: int):
    """Reverse a mistaken entry by a new entry of the opposite sign, with a reason."""
    entry = access.entry_to_reverse_or_403(entry_id)
    body = entry.account.body
    form = forms.ReverseForm()
    if not form.validate_on_submit():
        flash(_("请写明冲正原因。"), "bad")
        return redirect(url_for("points.organiser", slug=body.slug), 303)
    try:
        reversal = ledger.reverse(
            db.session, entry, reason=form.reason.data, by_id=current_user.id, now=clock.now()
        )
    except ledger.NotEnoughPoints:
        flash(_("这些积分已经用掉，不能冲正。"), "bad")
        return redirect(url_for("points.organiser", slug=body.slug), 303)
    except ledger.PointsError:
        flash(_("这一笔已经冲正过，或本身就是冲正。"), "bad")
        return redirect(url_for("points.organiser", slug=body.slug), 303)
    audit.record("ledger.reversed", reversal, actor=current_user, after={"reverses": entry.id})
    db.session.commit()
    return redirect(url_for("points.organiser", slug=body.slug), 303)


@bp.post("/bodies/<slug>/shops")
@policy.login_required
def certify(slug: str):
    """The convener certifies a unit as a shop (认证商户) where points are spent."""
    body = policy.convened_body_or_403(slug)
    form = forms.ShopForm()
    units = {u.id for u in queries.uncertified_units(db.session, body)}
    if not form.validate_on_submit() or form.unit.data not in units:
        flash(_("请选择一个尚未认证的单位。"), "bad")
        return redirect(url_for("points.organiser", slug=slug), 303)
    try:
        shop = ledger.certify_shop(db.session, body.id, form.unit.data, by_id=current_user.id)
    except ledger.PointsError:
        flash(_("请选择一个尚未认证的单位。"), "bad")
        return redirect(url_for("points.organiser", slug=slug), 303)
    audit.record("shop.certified", shop, actor=current_user, after={"unit": form.unit.data})
    db.session.commit()
    return redirect(url_for("points.organiser", slug=slug), 303)


@bp.get("/bodies/<slug>/my-points")
@policy.login_required
def mine(slug: str):
    """A volunteer's points: the balance, the QR code to show at a shop, entries and offers."""
    body = policy.body_or_404(slug)
    account = queries.account_of(db.session, body, current_user.id)
    url = external_url("points.scan", code=account.code) if account else None
    return render_template(
        "points/mine.html",
        body=body,
        account=account,
        balance=ledger.balance(db.session, account.id) if account else None,
        entries=queries.entries_of(db.session, account.id) if account else [],
        shops=queries.shops(db.session, body),
        qr=qr_svg(url, title=_("积分码"), scale=8) if url else None,
    )


def _shop_page(shop, status=200, offer_form=None):
    now = clock.now()
    return (
        render_template(
            "points/shop.html",
            shop=shop,
            body=db.session.get(Body, shop.body_id),
            offer_form=offer_form or forms.OfferForm(),
            today=queries.footfall(db.session, shop, now - timedelta(days=1)),
            month=queries.footfall(db.session, shop, now - timedelta(days=30)),
            redemptions=queries.shop_entries(db.session, shop),
        ),
        status,
    )


@bp.get("/shops/<int:shop_id>")
@policy.login_required
def shop(shop_id: int):
    """A certified shop's page: its offers, and the customers points brought (客流)."""
    return _shop_page(access.shop_or_403(shop_id))


@bp.post("/shops/<int:shop_id>/offers")
@policy.login_required
def publish_offer(shop_id: int):
    """The shop publishes what points buy (a discount, a free item)."""
    shop = access.shop_or_403(shop_id)
    form = forms.OfferForm()
    if not form.validate_on_submit():
        return _shop_page(shop, 422, form)
    offer = ledger.publish_offer(db.session, shop, title=form.title.data, points=form.points.data)
    audit.record("offer.published", offer, actor=current_user, after={"points": str(offer.points)})
    db.session.commit()
    return redirect(url_for("points.shop", shop_id=shop.id), 303)


def _offer_choices(form, shops):
    form.offer.choices = [
        (o.id, f"{s.unit.name}{_('：')}{o.title}" + _("（%(text)s）", text=f"{o.points} {_('分')}"))
        for s in shops
        for o in s.offers
        if o.active
    ]


def _scan_page(account, status=200, form=None):
    body = access.body_of(account)
    mine = access.shops_redeeming_or_403(account, queries.shops(db.session, body))
    form = form or forms.RedeemForm()
    _offer_choices(form, mine)
    return (
        render_template(
            "points/scan.html",
            account=account,
            body=body,
            balance=ledger.balance(db.session, account.id),
            form=form,
        ),
        status,
    )


@bp.get("/r/<code>")
@policy.login_required
def scan(code: str):
    """What a shop's staff see after scanning a volunteer's QR code: the balance and offers."""
    return _scan_page(access.account_by_code_or_404(code))


@bp.post("/r/<code>")
@policy.login_required
def redeem(code: str):
    """The shop redeems an offer from the volunteer's points; never below zero."""
    account = access.account_by_code_or_404(code)
    shops = access.shops_redeeming_or_403(
        account, queries.shops(db.session, access.body_of(account))
    )
    form = forms.RedeemForm()
    _offer_choices(form, shops)
    if not form.validate_on_submit():
        return _scan_page(account, 422, form)
    offer = queries.active_offer(db.session, shops, form.offer.data)
    if offer is None:
        form.offer.errors.append(_("请选择本店的兑换项目。"))
        return _scan_page(account, 422, form)
    try:
        entry = ledger.redeem(db.session, account.id, offer, by_id=current_user.id, now=clock.now())
    except ledger.NotEnoughPoints:
        form.offer.errors.append(_("积分不够，没有扣分。"))
        return _scan_page(account, 422, form)
    audit.record("points.redeemed", entry, actor=current_user, after={"offer": offer.id})
    db.session.commit()
    flash(_("已兑换：%(title)s，扣 %(points)s 分。", title=offer.title, points=offer.points), "ok")
    return redirect(url_for("points.shop", shop_id=offer.shop_id), 303)
