"""Meetings: agenda, roster, check-in (签到), proxies (委托), the projector and the minutes."""
