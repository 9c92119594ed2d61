"""The states and kinds the domain's tables hold, as ``StrEnum``s.

Each enum is the one list of its values: the table's CHECK constraint is generated from it
(:func:`one_of`), and code compares against its members instead of bare strings. Members are
strings, so they are stored, compared and shown in templates as the plain value.
"""

from enum import StrEnum


def one_of(column: str, values: type[StrEnum]) -> str:
    """A CHECK expression that ``column`` holds one of ``values``: ``status IN ('a','b')``."""
    listed = ",".join(f"'{value}'" for value in values)
    return f"{column} IN ({listed})"


class TopicStatus(StrEnum):
    """Where a topic (议题) stands: from submission to a decision."""

    SUBMITTED = "submitted"
    NEEDS_INFO = "needs_info"
    ACCEPTED = "accepted"
    MERGED = "merged"
    DECLINED = "declined"
    ON_AGENDA = "on_agenda"
    DECIDED = "decided"


class MeetingStatus(StrEnum):
    """A meeting's life: drafted, its agenda published, in session, closed."""

    DRAFT = "draft"
    PUBLISHED = "published"
    IN_SESSION = "in_session"
    CLOSED = "closed"


class ItemKind(StrEnum):
    """What an agenda item is for (通报 / 讨论 / 表决)."""

    INFORMATION = "information"
    DISCUSSION = "discussion"
    DECISION = "decision"


class CheckInMethod(StrEnum):
    """How a seat checked in: the room's QR code, a personal link, or by the convener."""

    QR = "qr"
    LINK = "link"
    CONVENER = "convener"


class MotionKind(StrEnum):
    """How a motion is voted: roll-call (记名), secret (无记名) or by show of hands (举手)."""

    ROLL_CALL = "roll_call"
    SECRET = "secret"
    HANDS = "hands"


class MotionStatus(StrEnum):
    """A motion's life: drafted, open for ballots, closed and counted, or cancelled."""

    DRAFT = "draft"
    OPEN = "open"
    CLOSED = "closed"
    CANCELLED = "cancelled"


class Choice(StrEnum):
    """A ballot's choice: 赞成 / 反对 / 弃权."""

    YES = "yes"
    NO = "no"
    ABSTAIN = "abstain"


class ResolutionStatus(StrEnum):
    """A resolution is drafted from a passed motion, then published on the board (公示)."""

    DRAFT = "draft"
    PUBLISHED = "published"


class TaskStatus(StrEnum):
    """A follow-up task's state: 派单 → 接单 → 办理中 → 办结 → 销号 (or declined)."""

    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    DECLINED = "declined"
    IN_PROGRESS = "in_progress"
    COMPLETED = "completed"
    CLOSED = "closed"


class RatingValue(StrEnum):
    """The national five-level rating of a return visit (回访), best first.

    非常满意 / 满意 / 基本满意 / 不满意 / 非常不满意. The older three-level ratings
    (满意 / 基本满意 / 不满意) keep their stored values: the same three levels of this scale.
    """

    VERY_SATISFIED = "very_satisfied"
    SATISFIED = "satisfied"
    BASIC = "basic"
    UNSATISFIED = "unsatisfied"
    VERY_UNSATISFIED = "very_unsatisfied"


class Side(StrEnum):
    """Which side a speaker takes on a motion: 正方 (for), 反方 (against), or none."""

    FOR = "for"
    AGAINST = "against"
    NONE = "none"


class SpeechStatus(StrEnum):
    """A raised hand's life: waiting in the queue, speaking, done, or withdrawn."""

    WAITING = "waiting"
    SPEAKING = "speaking"
    DONE = "done"
    WITHDRAWN = "withdrawn"


class ProxyRequestStatus(StrEnum):
    """A proxy handed from a phone: waiting for the convener, approved, declined, withdrawn."""

    PENDING = "pending"
    APPROVED = "approved"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


class FloorMotionStatus(StrEnum):
    """A motion moved from the floor: moved, seconded, admitted, ruled out or withdrawn."""

    MOVED = "moved"
    SECONDED = "seconded"
    ADMITTED = "admitted"
    RULED_OUT = "ruled_out"
    WITHDRAWN = "withdrawn"


class VisitChannel(StrEnum):
    """How a return visit (回访) was answered: follow link, a member, a convener's phone call."""

    LINK = "link"
    MEMBER = "member"
    PHONE = "phone"


class ExtensionStatus(StrEnum):
    """An extension request (延期申请): waiting for the convener, granted or refused."""

    PENDING = "pending"
    GRANTED = "granted"
    REFUSED = "refused"


class PartStatus(StrEnum):
    """A co-unit's part of a task (协办): 签收 → 办理中 → 完成, or handed back (回退)."""

    ASSIGNED = "assigned"
    ACCEPTED = "accepted"
    IN_PROGRESS = "in_progress"
    DONE = "done"
    DECLINED = "declined"


class ContactMethod(StrEnum):
    """How a unit contacted the resident who raised the matter (联系诉求人)."""

    PHONE = "phone"
    VISIT = "visit"
    MESSAGE = "message"


class AreaSource(StrEnum):
    """Where a unit's area comes from, in the order the law prefers: 登记 / 实测 / 合同."""

    REGISTER = "register"
    SURVEY = "survey"
    CONTRACT = "contract"


class OwnerKind(StrEnum):
    """A counting owner: a person (or co-owners, or one buyer of several units) or the developer."""

    PERSON = "person"
    DEVELOPER = "developer"


class Matter(StrEnum):
    """An owners' decision's class: ordinary, or major (art. 278 items 6–8)."""

    ORDINARY = "ordinary"
    MAJOR = "major"


class DecisionStatus(StrEnum):
    """An owners' decision: announced (notice period, then the window by the clock), or closed."""

    ANNOUNCED = "announced"
    CLOSED = "closed"


class BallotChannel(StrEnum):
    """How an owner's ballot arrived: from their phone, or on paper entered by the committee."""

    PHONE = "phone"
    PAPER = "paper"


class PaperStatus(StrEnum):
    """A paper ballot (纸质表决票): entered (录入), confirmed (复核) and counted, or a conflict."""

    ENTERED = "entered"
    COUNTED = "counted"
    CONFLICT = "conflict"


class ResourceKind(StrEnum):
    """What a resource is: 场地 / 资金 / 物资 / 志愿服务 / 专业服务 / 优惠."""

    VENUE = "venue"
    FUNDS = "funds"
    GOODS = "goods"
    VOLUNTEERING = "volunteering"
    PROFESSIONAL = "professional"
    DISCOUNT = "discount"


class ResourceOwnerKind(StrEnum):
    """Who offers a resource: a unit (驻区单位), a merchant (商户) or a resident (居民)."""

    UNIT = "unit"
    MERCHANT = "merchant"
    RESIDENT = "resident"


class BatchStatus(StrEnum):
    """A batch of projects: open for projects, put to the vote, approved or rejected."""

    OPEN = "open"
    VOTING = "voting"
    APPROVED = "approved"
    REJECTED = "rejected"


class ProjectStatus(StrEnum):
    """A project: proposed, approved with its batch (then a resolution), or rejected."""

    PROPOSED = "proposed"
    APPROVED = "approved"
    REJECTED = "rejected"


class ServiceStatus(StrEnum):
    """A volunteer service record: recorded by one person, confirmed by a second (录入/复核)."""

    RECORDED = "recorded"
    CONFIRMED = "confirmed"


class EntryKind(StrEnum):
    """A points ledger entry: earned by service, spent at a shop, or reversing another entry."""

    EARN = "earn"
    SPEND = "spend"
    REVERSAL = "reversal"
