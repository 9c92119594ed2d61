"""Wording of the lists: resource kinds, owners, batch and project states."""

from flask_babel import lazy_gettext as _l

from app.models.statuses import BatchStatus, ProjectStatus, ResourceKind, ResourceOwnerKind

KIND_LABELS = {
    ResourceKind.VENUE: _l("场地"),
    ResourceKind.FUNDS: _l("资金"),
    ResourceKind.GOODS: _l("物资"),
    ResourceKind.VOLUNTEERING: _l("志愿服务"),
    ResourceKind.PROFESSIONAL: _l("专业服务"),
    ResourceKind.DISCOUNT: _l("优惠"),
}
OWNER_LABELS = {
    ResourceOwnerKind.UNIT: _l("驻区单位"),
    ResourceOwnerKind.MERCHANT: _l("商户"),
    ResourceOwnerKind.RESIDENT: _l("居民"),
}
BATCH_LABELS = {
    BatchStatus.OPEN: _l("收集项目中"),
    BatchStatus.VOTING: _l("提交表决"),
    BatchStatus.APPROVED: _l("已通过"),
    BatchStatus.REJECTED: _l("未通过"),
}
PROJECT_LABELS = {
    ProjectStatus.PROPOSED: _l("已提出"),
    ProjectStatus.APPROVED: _l("已批准"),
    ProjectStatus.REJECTED: _l("未通过"),
}
