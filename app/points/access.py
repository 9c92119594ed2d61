"""Who may reach the points: loaders that answer 404/403, built on app.policy."""

from flask import abort
from flask_login import current_user

from app import policy
from app.extensions import db
from app.models import Body, LedgerEntry, PointsAccount, ServiceRecord, Shop


def record_to_confirm_or_403(record_id: int) -> ServiceRecord:
    """A service record the current person may confirm: a convener of its body."""
    record = db.get_or_404(ServiceRecord, record_id)
    if not policy.is_convener(current_user, record.account.body):
        abort(403)
    return record


def entry_to_reverse_or_403(entry_id: int) -> LedgerEntry:
    """A ledger entry the current person may reverse: a convener of its account's body."""
    entry = db.get_or_404(LedgerEntry, entry_id)
    if not policy.is_convener(current_user, entry.account.body):
        abort(403)
    return entry


def shop_or_403(shop_id: int) -> Shop:
    """A certified shop for its staff (and administrators)."""
    shop = db.get_or_404(Shop, shop_id)
    if not policy.is_unit_staff(current_user, shop.unit):
        abort(403)
    return shop


def account_by_code_or_404(code: str) -> PointsAccount:
    """The account behind a volunteer's QR code, or 404."""
    account = db.session.query(PointsAccount).filter_by(code=code).one_or_none()
    if account is None:
        abort(404)
    return account


def shops_redeeming_or_403(account: PointsAccount, shops: list[Shop]) -> list[Shop]:
    """Of the body's shops, those the current person staffs; 403 when none."""
    mine = [s for s in shops if policy.is_unit_staff(current_user, s.unit)]
    if not mine:
        abort(403)
    return mine


def body_of(account: PointsAccount) -> Body:
    """The body an account belongs to."""
    return db.session.get(Body, account.body_id)
