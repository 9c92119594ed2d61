"""Volunteer service points (志愿服务积分): service → points → discounts at certified shops."""
