"""The words for topic statuses and decline reasons, shared by every page that shows a topic."""

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app.models import TopicStatus

STATUS_LABELS = {
    TopicStatus.SUBMITTED: _l("待处理"),
    TopicStatus.NEEDS_INFO: _l("待补充信息"),
    TopicStatus.ACCEPTED: _l("已受理"),
    TopicStatus.MERGED: _l("已合并"),
    TopicStatus.DECLINED: _l("不予受理"),
    TopicStatus.ON_AGENDA: _l("已上会"),
    TopicStatus.DECIDED: _l("已决议"),
}

#: The CSS class of each status badge; the word is always shown too (colour is never alone).
STATUS_CLASSES = {
    TopicStatus.SUBMITTED: "warn",
    TopicStatus.NEEDS_INFO: "warn",
    TopicStatus.ACCEPTED: "ok",
    TopicStatus.MERGED: "muted",
    TopicStatus.DECLINED: "bad",
    TopicStatus.ON_AGENDA: "ok",
    TopicStatus.DECIDED: "ok",
}

DECLINE_LABELS = {
    "duplicate": _l("与已有议题重复"),
    "outside_remit": _l("不属于本联席会议的职责范围"),
    "already_handled": _l("已有部门在处理"),
    "not_enough_info": _l("信息不足，无法处理"),
}


def status_label(status: str) -> str:
    """The status of a topic in words."""
    return str(STATUS_LABELS.get(status, status))


def status_class(status: str) -> str:
    """The CSS class of a topic's status badge (the word is always shown beside it)."""
    return STATUS_CLASSES.get(status, "muted")


def decline_label(code: str) -> str:
    """A decline reason in words."""
    return str(DECLINE_LABELS.get(code, code))


def refusal(status: str) -> str:
    """Why a triage action was refused: the topic is no longer in a status that allows it."""
    return _("这个议题现在是「%(status)s」，不能这样处理。", status=status_label(status))
