"""The public web door: home, registration, status. The blueprint and its route modules."""
from flask import Blueprint

bp = Blueprint("public", __name__)

from public import home, info, register, status  # noqa: E402,F401  (the routes attach to bp)
