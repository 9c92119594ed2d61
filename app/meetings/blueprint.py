"""The meetings blueprint, on which both routes.py and roster.py register their views."""

from flask import Blueprint

bp = Blueprint("meetings", __name__)
