"""The staff pages: being built."""
from flask import Blueprint

bp = Blueprint("staff", __name__, url_prefix="/staff")


def register_cli(app):
    """Attach the `flask staff …` commands."""
