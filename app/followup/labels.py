"""Words for statuses, ratings and rules, as residents read them (translated with gettext)."""

from flask_babel import lazy_gettext as _l

TASK_STATUS = {
    "assigned": _l("已派单，待接单"),
    "accepted": _l("已接单"),
    "declined": _l("已退回召集人"),
    "in_progress": _l("办理中"),
    "completed": _l("已办结，待评单"),
    "closed": _l("已销号"),
}

RATING = {"satisfied": _l("满意"), "basic": _l("基本满意"), "unsatisfied": _l("不满意")}

RATING_RULE = {
    "majority_basic": _l("过半数评价为“基本满意”或“满意”即可销号，否则重新办理。"),
    "all_basic": _l("所有评价都为“基本满意”或“满意”才可销号，否则重新办理。"),
}

RESOLUTION_STATUS = {"draft": _l("草稿（未公示）"), "published": _l("已公示")}

UPDATE_KIND = {
    "note": _l("进展"),
    "accepted": _l("接单"),
    "declined": _l("退回"),
    "completed": _l("办结"),
    "assigned": _l("重新派单"),
    "reopened": _l("重新办理"),
    "closed": _l("销号"),
}

FIELD = {"title": _l("标题"), "text": _l("决议内容"), "decided_on": _l("决议日期")}

TOPIC_STATUS = {
    "submitted": _l("提交议题"),
    "needs_info": _l("请提议人补充信息"),
    "accepted": _l("受理"),
    "merged": _l("合并到其他议题"),
    "declined": _l("不予受理"),
    "on_agenda": _l("列入会议议程"),
    "decided": _l("形成决议"),
}


def topic_step(status: str) -> str:
    """A step of a topic's public history in words ("受理", "形成决议")."""
    return str(TOPIC_STATUS.get(status, status))
