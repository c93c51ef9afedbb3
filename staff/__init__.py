"""The staff pages: the blueprint and its route modules (sessions, roles: sibling modules)."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")

# The modules attach their views and hooks to bp (Flask's "large application as a package").
from staff import (  # noqa: E402,F401
    accounts,
    audit,
    auth,
    context,
    dashboard,
    decisions,
    dtks,
    exports,
    kpj,
    pools,
    queue,
    register,
    reverify,
    session,
    simulator,
    years,
)
