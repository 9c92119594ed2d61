"""The domain's tables, split by stage of the cycle: ``from app.models import Body``."""

from app.models.accounts import SignInLink, User, UserSession
from app.models.audit import AuditEvent
from app.models.bodies import Body, Constituency, Convener, ResponsibleUnit, Seat, UnitStaff
from app.models.floor import FloorMotion, Nudge, ProxyRequest, Recusal, SpeechRequest
from app.models.followup import Rating, Task, TaskUpdate
from app.models.meetings import (
    AgendaItem,
    Attendance,
    Leave,
    Meeting,
    MinutesCorrection,
    Proxy,
    Substitute,
)
from app.models.resolutions import Resolution, ResolutionCorrection, resolution_topics
from app.models.statuses import (
    CheckInMethod,
    Choice,
    FloorMotionStatus,
    ItemKind,
    MeetingStatus,
    MotionKind,
    MotionStatus,
    ProxyRequestStatus,
    RatingValue,
    ResolutionStatus,
    Side,
    SpeechStatus,
    TaskStatus,
    TopicStatus,
)
from app.models.topics import Second, Topic, TopicEvent
from app.models.voting import Ballot, HandCount, Motion, SealedBallot, SecretCount

__all__ = [
    "CheckInMethod",
    "Choice",
    "FloorMotionStatus",
    "ItemKind",
    "MeetingStatus",
    "MotionKind",
    "MotionStatus",
    "ProxyRequestStatus",
    "RatingValue",
    "ResolutionStatus",
    "Side",
    "SpeechStatus",
    "TaskStatus",
    "TopicStatus",
    "AgendaItem",
    "Attendance",
    "AuditEvent",
    "Ballot",
    "Body",
    "Constituency",
    "Convener",
    "FloorMotion",
    "HandCount",
    "Meeting",
    "Motion",
    "Leave",
    "MinutesCorrection",
    "Nudge",
    "Proxy",
    "ProxyRequest",
    "Rating",
    "Recusal",
    "Resolution",
    "ResolutionCorrection",
    "ResponsibleUnit",
    "Seat",
    "Second",
    "SealedBallot",
    "SecretCount",
    "SignInLink",
    "SpeechRequest",
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
