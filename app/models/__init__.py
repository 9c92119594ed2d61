"""The domain's tables, split by stage of the cycle: ``from app.models import Body``."""

from app.models.accounts import SignInLink, User, UserSession
from app.models.audit import AuditEvent
from app.models.bodies import Body, Constituency, Convener, ResponsibleUnit, Seat, UnitStaff
from app.models.followup import Rating, Task, TaskUpdate
from app.models.meetings import AgendaItem, Attendance, Meeting, Proxy, Substitute
from app.models.resolutions import Resolution, ResolutionCorrection, resolution_topics
from app.models.statuses import (
    CheckInMethod,
    Choice,
    ItemKind,
    MeetingStatus,
    MotionKind,
    MotionStatus,
    RatingValue,
    ResolutionStatus,
    TaskStatus,
    TopicStatus,
)
from app.models.topics import MeToo, Second, Topic, TopicEvent
from app.models.voting import Ballot, HandCount, Motion, SealedBallot, SecretCount

__all__ = [
    "CheckInMethod",
    "Choice",
    "ItemKind",
    "MeetingStatus",
    "MotionKind",
    "MotionStatus",
    "RatingValue",
    "ResolutionStatus",
    "TaskStatus",
    "TopicStatus",
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "Ballot",
    "Body",
    "Constituency",
    "Convener",
    "HandCount",
    "Meeting",
    "Motion",
    "Proxy",
    "Rating",
    "Resolution",
    "ResolutionCorrection",
    "ResponsibleUnit",
    "Seat",
    "MeToo",
    "Second",
    "SealedBallot",
    "SecretCount",
    "SignInLink",
    "Substitute",
    "Task",
    "TaskUpdate",
    "Topic",
    "TopicEvent",
    "UnitStaff",
    "User",
    "UserSession",
    "resolution_topics",
]
