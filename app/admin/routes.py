"""Administrator pages."""

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_login import current_user

from app import audit, clock, policy
from app.admin import queries, roles
from app.admin.access import convener_or_404, person_or_404, staff_or_404, unit_or_404
from app.admin.forms import BodyForm, CalendarYearForm, PersonForm, UnitForm
from app.clock import today
from app.extensions import db
from app.followup import calendar_table
from app.followup.workdays import package_knows
from app.models import Body, ResponsibleUnit, User, WorkCalendarYear
from app.web.forms import EmptyForm

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.get("/")
@policy.admin_required
def index():
    """Overview for administrators: bodies, responsible units and people."""
    return render_template(
        "admin/index.html",
        bodies=queries.all_bodies(db.session),
        units=queries.all_units(db.session),
        people=queries.all_people(db.session),
    )


# --- bodies and their conveners ---------------------------------------------------------------


def _person_form(formdata=True) -> PersonForm:
    """The form that picks an existing person or describes a new one."""
    form = PersonForm() if formdata else PersonForm(formdata=None)
    form.fill_people(queries.active_people(db.session))
    return form


def _person_from(form: PersonForm) -> User:
    """The person the form picked, or a new one made from its fields (audited)."""
    if form.person.data:
        return person_or_404(form.person.data)
    person = roles.new_person(
        db.session,
        name=form.name.data,
        phone=form.phone.data,
        username=form.username.data,
        password=form.password.data,
    )
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
        body = roles.new_body(
            db.session,
            slug=form.slug.data,
            name=form.name.data,
            short_name=form.short_name.data,
            description=form.description.data,
        )
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
    """The body's page with ``form`` (bound, with its errors, after a refused POST)."""
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
    if roles.make_convener(db.session, body, person):
        audit.record("body.convener_added", body, actor=current_user, after={"user_id": person.id})
        flash(_("%(name)s 现在是召集人。", name=person.name))
    db.session.commit()
    return redirect(url_for("admin.body", slug=slug))


@bp.post("/bodies/<slug>/conveners/<int:user_id>/remove")
@policy.admin_required
def remove_convener(slug: str, user_id: int):
    """Stop a person convening the body (their account stays)."""
    body = policy.body_or_404(slug)
    convener = convener_or_404(body, user_id)
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
        unit = roles.new_unit(
            db.session,
            slug=form.slug.data,
            name=form.name.data,
            description=form.description.data,
        )
        audit.record("unit.created", unit, actor=current_user, after={"slug": unit.slug})
        db.session.commit()
        flash(_("已添加承办单位“%(name)s”。", name=unit.name))
        return redirect(url_for("admin.unit", slug=unit.slug))
    all_units = queries.all_units(db.session, by_name=True)
    status = 422 if form.is_submitted() else 200
    return render_template("admin/units.html", units=all_units, form=form), status


@bp.get("/units/<slug>")
@policy.admin_required
def unit(slug: str):
    """A unit's staff, with a form to add a person (existing or new)."""
    return _unit_page(unit_or_404(slug), _person_form(formdata=False))


def _unit_page(unit: ResponsibleUnit, form: PersonForm, status: int = 200):
    """The unit's page with ``form`` (bound, with its errors, after a refused POST)."""
    return render_template("admin/unit.html", unit=unit, form=form, action_form=EmptyForm()), status


@bp.post("/units/<slug>/staff")
@policy.admin_required
def add_staff(slug: str):
    """Add a person to the unit's staff: they will see and handle its tasks."""
    unit = unit_or_404(slug)
    form = _person_form()
    if not form.validate_on_submit():
        return _unit_page(unit, form, 422)
    person = _person_from(form)
    if roles.add_staff(db.session, unit, person):
        audit.record("unit.staff_added", unit, actor=current_user, after={"user_id": person.id})
        flash(_("%(name)s 已加入%(unit)s。", name=person.name, unit=unit.name))
    db.session.commit()
    return redirect(url_for("admin.unit", slug=slug))


@bp.post("/units/<slug>/staff/<int:user_id>/remove")
@policy.admin_required
def remove_staff(slug: str, user_id: int):
    """Take a person off the unit's staff (their account stays)."""
    unit = unit_or_404(slug)
    staff = staff_or_404(unit, user_id)
    if EmptyForm().validate_on_submit():
        db.session.delete(staff)
        audit.record("unit.staff_removed", unit, actor=current_user, before={"user_id": user_id})
        db.session.commit()
    return redirect(url_for("admin.unit", slug=slug))


# --- the working-day calendar (法定节假日 and 调休) ---------------------------------------------


@bp.get("/calendar")
@policy.admin_required
def calendar():
    """The years the working-day calendar knows (package or table), and those it does not."""
    asked = request.args.get("year", "")
    if asked.isdigit():
        return redirect(url_for("admin.calendar_year", year=int(asked)))
    return render_template(
        "admin/calendar.html",
        years=calendar_table.year_states(db.session, today().year),
        package_years=calendar_table.package_years(),
    )


def _year_or_404(year: int) -> int:
    if not calendar_table.FIRST_YEAR <= year <= calendar_table.LAST_YEAR:
        abort(404)
    return year


@bp.route("/calendar/<int:year>", methods=["GET", "POST"])
@policy.admin_required
def calendar_year(year: int):
    """Add or edit a year's holidays and 调休 working days; input kept, errors by the field."""
    year = _year_or_404(year)
    holidays, workdays = calendar_table.year_days(db.session, year)
    row = db.session.get(WorkCalendarYear, year)
    if request.method == "GET":
        form = CalendarYearForm(
            formdata=None,
            holidays=calendar_table.as_lines(holidays),
            workdays=calendar_table.as_lines(workdays),
            note=row.note if row else "",
        )
    else:
        form = CalendarYearForm()
        if form.validate_on_submit() and (days := form.days(year)) is not None:
            before = {
                "known": row is not None,
                "holidays": sorted(d.isoformat() for d in holidays),
                "workdays": sorted(d.isoformat() for d in workdays),
            }
            after = calendar_table.save_year(
                db.session, year, *days, form.note.data or "", now=clock.now()
            )
            audit.record(
                "workdays.year_saved",
                object_type="WorkCalendarYear",
                actor=current_user,
                before=before,
                after=after,
            )
            db.session.commit()
            flash(_("已保存 %(year)s 年的节假日和调休安排。", year=year), "ok")
            return redirect(url_for("admin.calendar"))
    status = 422 if form.errors or any(f.errors for f in form) else 200
    return render_template(
        "admin/calendar_year.html",
        form=form,
        year=year,
        by_package=package_knows(year),
        by_table=row is not None,
    ), status
