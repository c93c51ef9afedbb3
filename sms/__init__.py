"""The SMS door (Twilio): being built."""
from flask import Blueprint

bp = Blueprint("sms", __name__, url_prefix="/sms")


def register_cli(app):
    """Attach the `flask sms …` commands."""
