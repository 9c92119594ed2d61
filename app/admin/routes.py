"""Administrator pages."""

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, policy
from app.admin.forms import BodyForm, PersonForm, UnitForm
from app.extensions import db
from app.models import Body, Convener, ResponsibleUnit, UnitStaff, User
from app.web.forms import EmptyForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@policy.admin_required
def index():
    """Overview for administrators: bodies, responsible units and people."""
    return render_template(
        "admin/index.html",
        bodies=db.session.scalars(sa.select(Body).order_by(Body.id)).all(),
        units=db.session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.id)).all(),
        people=db.session.scalars(sa.select(User).order_by(User.id)).all(),
    )


# --- bodies and their conveners ---------------------------------------------------------------


def _people() -> list[User]:
    return db.session.scalars(sa.select(User).where(User.active).order_by(User.name)).all()


def _person_form(formdata=True) -> PersonForm:
    form = PersonForm() if formdata else PersonForm(formdata=None)
    form.fill_people(_people())
    return form


def _person_from(form: PersonForm) -> User:
    """The person the form picked, or a new one made from its fields (audited)."""
    if form.person.data:
        return db.get_or_404(User, form.person.data)
    person = User(
        name=form.name.data.strip(), phone=form.phone.data, username=form.username.data or None
    )
    if form.password.data:
        person.set_password(form.password.data)
    db.session.add(person)
    audit.record(
        "user.created",
        person,
        actor=current_user,
        after={"name": person.name, "phone": person.phone},
    )
    return person


@bp.route("/bodies/new", methods=["GET", "POST"])
@policy.admin_required
def new_body():
    """Create a joint meeting body; its constituencies are set up on the body's set-up page."""
    form = BodyForm()
    if form.validate_on_submit():
        body = Body(
            slug=form.slug.data,
            name=form.name.data.strip(),
            short_name=form.short_name.data.strip(),
            description=(form.description.data or "").strip(),
        )
        db.session.add(body)
        audit.record("body.created", body, actor=current_user, after={"slug": body.slug})
        db.session.commit()
        flash(_("已建立“%(name)s”。下一步：指定召集人，再设置界别和席位。", name=body.name))
        return redirect(url_for("admin.body", slug=body.slug))
    return render_template("admin/body_new.html", form=form)


@bp.get("/bodies/<slug>")
@policy.admin_required
def body(slug: str):
    """A body's conveners, with links to its set-up pages."""
    return _body_page(policy.body_or_404(slug), _person_form(formdata=False))


def _body_page(body: Body, form: PersonForm, status: int = 200):
    return render_template("admin/body.html", body=body, form=form, action_form=EmptyForm()), status


@bp.post("/bodies/<slug>/conveners")
@policy.admin_required
def add_convener(slug: str):
    """Make a person (existing or new) a convener (召集人) of the body."""
    body = policy.body_or_404(slug)
    form = _person_form()
    if not form.validate_on_submit():
        return _body_page(body, form, 422)
    person = _person_from(form)
    db.session.flush()
    if db.session.get(Convener, (body.id, person.id)) is None:
        db.session.add(Convener(body_id=body.id, user_id=person.id))
        audit.record("body.convener_added", body, actor=current_user, after={"user_id": person.id})
        flash(_("%(name)s 现在是召集人。", name=person.name))
    db.session.commit()
    return redirect(url_for("admin.body", slug=slug))


@bp.post("/bodies/<slug>/conveners/<int:user_id>/remove")
@policy.admin_required
def remove_convener(slug: str, user_id: int):
    """Stop a person convening the body (their account stays)."""
    body = policy.body_or_404(slug)
    convener = db.get_or_404(Convener, (body.id, user_id))
    if EmptyForm().validate_on_submit():
        db.session.delete(convener)
        audit.record("body.convener_removed", body, actor=current_user, before={"user_id": user_id})
        db.session.commit()
    return redirect(url_for("admin.body", slug=slug))


# --- responsible units and their staff ---------------------------------------------------------


@bp.route("/units", methods=["GET", "POST"])
@policy.admin_required
def units():
    """Responsible units (承办单位): the list, and a form to add one."""
    form = UnitForm()
    if form.validate_on_submit():
        unit = ResponsibleUnit(
            slug=form.slug.data,
            name=form.name.data.strip(),
            description=(form.description.data or "").strip(),
        )
        db.session.add(unit)
        audit.record("unit.created", unit, actor=current_user, after={"slug": unit.slug})
        db.session.commit()
        flash(_("已添加承办单位“%(name)s”。", name=unit.name))
        return redirect(url_for("admin.unit", slug=unit.slug))
    all_units = db.session.scalars(sa.select(ResponsibleUnit).order_by(ResponsibleUnit.name)).all()
    status = 422 if form.is_submitted() else 200
    return render_template("admin/units.html", units=all_units, form=form), status


@bp.get("/units/<slug>")
@policy.admin_required
def unit(slug: str):
    """A unit's staff, with a form to add a person (existing or new)."""
    return _unit_page(_unit_or_404(slug), _person_form(formdata=False))


def _unit_or_404(slug: str) -> ResponsibleUnit:
    return db.first_or_404(sa.select(ResponsibleUnit).where(ResponsibleUnit.slug == slug))


def _unit_page(unit: ResponsibleUnit, form: PersonForm, status: int = 200):
    return render_template("admin/unit.html", unit=unit, form=form, action_form=EmptyForm()), status


@bp.post("/units/<slug>/staff")
@policy.admin_required
def add_staff(slug: str):
    """Add a person to the unit's staff: they will see and handle its tasks."""
    unit = _unit_or_404(slug)
    form = _person_form()
    if not form.validate_on_submit():
        return _unit_page(unit, form, 422)
    person = _person_from(form)
    db.session.flush()
    if db.session.get(UnitStaff, (unit.id, person.id)) is None:
        db.session.add(UnitStaff(unit_id=unit.id, user_id=person.id))
        audit.record("unit.staff_added", unit, actor=current_user, after={"user_id": person.id})
        flash(_("%(name)s 已加入%(unit)s。", name=person.name, unit=unit.name))
    db.session.commit()
    return redirect(url_for("admin.unit", slug=slug))


@bp.post("/units/<slug>/staff/<int:user_id>/remove")
@policy.admin_required
def remove_staff(slug: str, user_id: int):
    """Take a person off the unit's staff (their account stays)."""
    unit = _unit_or_404(slug)
    staff = db.get_or_404(UnitStaff, (unit.id, user_id))
    if EmptyForm().validate_on_submit():
        db.session.delete(staff)
        audit.record("unit.staff_removed", unit, actor=current_user, before={"user_id": user_id})
        db.session.commit()
    return redirect(url_for("admin.unit", slug=slug))
