"""Every text field of every form has a maximum, and it fits the column it is stored in.

A field longer than its column was a 500 on PostgreSQL (a 5,000-character resolution title
correction against a 160-character column). This walks every form class of the app: a new text
field without a maximum, or missing from ``STORED_IN``, fails here.
"""

import importlib
import inspect
import pkgutil

import pytest
import sqlalchemy as sa
from flask_wtf import FlaskForm
from wtforms.fields import HiddenField, StringField
from wtforms.validators import Length

import app as app_package
from app.models import (
    AgendaItem,
    Body,
    Constituency,
    LedgerEntry,
    Meeting,
    MinutesCorrection,
    Motion,
    Need,
    Objection,
    Offer,
    OwnerDecision,
    PaperBallot,
    Pledge,
    Project,
    Resolution,
    ResolutionCorrection,
    Resource,
    ResponsibleUnit,
    Seat,
    ServiceRecord,
    Task,
    TaskExtension,
    TaskPart,
    TaskUpdate,
    Topic,
    TopicEvent,
    User,
    WorkCalendarYear,
)

#: Where each text field ends up: a column, or None when it is not stored as typed (a password
#: is hashed, a login looked up, a fraction parsed into the rule, categories split into lines).
STORED_IN = {
    "admin.BodyForm.slug": Body.slug,
    "admin.BodyForm.name": Body.name,
    "admin.BodyForm.short_name": Body.short_name,
    "admin.BodyForm.description": Body.description,
    "admin.UnitForm.slug": ResponsibleUnit.slug,
    "admin.UnitForm.name": ResponsibleUnit.name,
    "admin.UnitForm.description": ResponsibleUnit.description,
    "admin.PersonForm.name": User.name,
    "admin.PersonForm.phone": User.phone,
    "admin.PersonForm.username": User.username,
    "admin.PersonForm.password": None,
    "topics.TopicForm.title": Topic.title,
    "topics.TopicForm.description": Topic.description,
    "topics.TopicForm.location": Topic.location,
    "topics.TopicForm.name": Topic.submitter_name,
    "topics.TopicForm.phone": Topic.submitter_phone,
    "topics.TopicForm.website": None,  # the honeypot: never stored
    "topics.AddInfoForm.info": TopicEvent.note,
    "topics.NeedsInfoForm.note": TopicEvent.note,
    "topics.DeclineForm.note": Topic.decline_note,
    "topics.MergeForm.note": TopicEvent.note,
    "meetings.ItemForm.title": AgendaItem.title,
    "meetings.ItemForm.presenter": AgendaItem.presenter,
    "meetings.ItemForm.description": AgendaItem.description,
    "meetings.MeetingForm.title": Meeting.title,
    "meetings.MeetingForm.place": Meeting.place,
    "meetings.MeetingForm.chair": Meeting.chair,
    "meetings.MeetingForm.recorder": Meeting.recorder,
    "meetings.CorrectionForm.text": MinutesCorrection.text,
    "meetings.CorrectionForm.reason": MinutesCorrection.reason,
    "meetings.NotesForm.notes": AgendaItem.notes,
    "followup.CloseForm.note": TaskUpdate.note,
    "followup.CompleteForm.report": TaskUpdate.note,
    "followup.CorrectionForm.value": None,  # per corrected part: test_correction_* below
    "followup.CorrectionForm.reason": ResolutionCorrection.reason,
    "followup.DeclineForm.reason": TaskUpdate.note,
    "followup.ProgressForm.note": TaskUpdate.note,
    "followup.RatingForm.comment": None,  # Text column of ratings
    "followup.ReassignForm.note": TaskUpdate.note,
    "followup.ReopenForm.note": TaskUpdate.note,
    "followup.ResolutionForm.title": Resolution.title,
    "followup.ResolutionForm.text": Resolution.text,
    "followup.TaskForm.title": Task.title,
    "followup.TaskForm.description": Task.description,
    "followup.TaskForm.done_definition": Task.done_definition,
    "followup.TaskForm.co_part": TaskPart.description,
    "followup.PartForm.part_description": TaskPart.description,
    "followup.PartDeclineForm.part_reason": TaskPart.decline_reason,
    "followup.PartProgressForm.part_note": TaskUpdate.note,
    "followup.PartFinishForm.part_report": TaskPart.report,
    "admin.CalendarYearForm.holidays": None,  # parsed into work_calendar_days (name: 60)
    "admin.CalendarYearForm.workdays": None,
    "admin.CalendarYearForm.note": WorkCalendarYear.note,
    "followup.BodyUnitForm.name": ResponsibleUnit.name,
    "followup.BodyUnitForm.description": ResponsibleUnit.description,
    "followup.InviteStaffForm.name": User.name,
    "followup.InviteStaffForm.phone": User.phone,
    "followup.ContactForm.contact_note": TaskUpdate.note,
    "followup.ExtensionForm.extend_reason": TaskExtension.reason,
    "followup.ExtensionAnswerForm.answer": TaskExtension.answer,
    "followup.ExcludeForm.exclude_reason": Task.excluded_reason,
    "followup.FollowupSettingsForm.basic_weight": None,  # parsed into rate_definitions
    "followup.FollowupSettingsForm.response_weight": None,
    "followup.FollowupSettingsForm.resolution_weight": None,
    "followup.FollowupSettingsForm.satisfaction_weight": None,
    "followup.ObjectionForm.text": Objection.text,
    "followup.ObjectionForm.name": Objection.name,
    "followup.ObjectionAnswerForm.answer": Objection.answer,
    "followup.PhoneVisitForm.comment": None,  # Text column of ratings
    "accounts.SignInForm.login": None,
    "accounts.SignInForm.password": None,
    "bodies.ConstituencyForm.name": Constituency.name,
    "bodies.ConstituencyForm.share": Constituency.share,
    "bodies.NewConstituencyForm.name": Constituency.name,
    "bodies.NewConstituencyForm.share": Constituency.share,
    "bodies.NewConstituencyForm.key": Constituency.key,
    "bodies.RuleForm.threshold_value": None,
    "bodies.RuleForm.quorum_value": None,
    "bodies.RuleForm.bloc_quorum_value": None,
    "bodies.SeatForm.name": User.name,
    "bodies.SeatForm.phone": User.phone,
    "bodies.SeatForm.represents": Seat.represents,
    "bodies.SettingsForm.topic_categories": None,
    "bodies.SettingsForm.resolution_number_format": Body.resolution_number_format,
    "voting.MotionForm.text": Motion.text,
    "voting.MotionForm.threshold_value": None,
    "voting.MotionForm.quorum_value": None,
    "voting.CancelForm.reason": Motion.cancel_reason,
    "owners.CodeForm.code": None,  # looked up by its hash
    "owners.DecisionForm.title": OwnerDecision.title,
    "owners.DecisionForm.text": OwnerDecision.text,
    "owners.ExtendForm.reason": OwnerDecision.extension_reason,
    "owners.PaperForm.serial": PaperBallot.serial,
    "owners.PaperForm.unit": None,  # looked up among the units in scope
    "lists.NeedForm.title": Need.title,
    "lists.NeedForm.description": Need.description,
    "lists.ResourceForm.owner_name": Resource.owner_name,
    "lists.ResourceForm.title": Resource.title,
    "lists.ResourceForm.unit": Resource.unit,
    "lists.ResourceForm.conditions": Resource.conditions,
    "lists.ResourceForm.contact": Resource.contact,
    "lists.ProjectForm.title": Project.title,
    "lists.ProjectForm.plan": Project.plan,
    "lists.PledgeForm.pledger": Pledge.pledger,
    "lists.PledgeForm.unit": Pledge.unit,
    "points.ServiceForm.phone": None,  # looked up, not stored
    "points.ServiceForm.description": ServiceRecord.description,
    "points.ReverseForm.reason": LedgerEntry.note,
    "points.OfferForm.title": Offer.title,
}

#: Arguments for forms whose constructor needs some.
ARGUMENTS = {
    "TopicForm": ([],),
    "MergeForm": ([],),
    "MotionForm": (Body(slug="x", name="x", short_name="x", default_rule={}),),
}


def _form_classes():
    for info in pkgutil.walk_packages(app_package.__path__, "app."):
        if not info.name.endswith(".forms"):
            continue
        module = importlib.import_module(info.name)
        for name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == info.name:
                yield f"{info.name.split('.')[1]}.{name}", cls


def _text_fields(app):
    fields = []
    with app.test_request_context(method="POST"):
        for key, cls in _form_classes():
            try:
                form = cls(*ARGUMENTS.get(cls.__name__, ()))
            except (TypeError, AttributeError):
                pytest.fail(f"{key}: add its constructor arguments to ARGUMENTS")
            for field in form:
                if isinstance(field, StringField) and not isinstance(field, HiddenField):
                    maxima = [v.max for v in field.validators if isinstance(v, Length)]
                    fields.append((f"{key}.{field.name}", maxima))
    return fields


def test_every_text_field_has_a_maximum_that_fits_its_column(app):
    """Each text field has a Length maximum; one stored in a String(n) column allows at most n."""
    fields = _text_fields(app)
    assert len(fields) >= 50
    problems = []
    for name, maxima in fields:
        if name not in STORED_IN:
            problems.append(f"{name}: say in STORED_IN where it is stored")
            continue
        if not maxima or maxima[0] in (None, -1):
            problems.append(f"{name}: no maximum length")
            continue
        column = STORED_IN[name]
        if column is not None and isinstance(column.type, sa.String) and column.type.length:
            if max(maxima) > column.type.length:
                problems.append(f"{name}: allows {max(maxima)}, column holds {column.type.length}")
    assert problems == []
