"""The SMS door (Twilio): the blueprint and its modules (webhook, signature, conversation)."""
from flask import Blueprint

bp = Blueprint("sms", __name__, url_prefix="/sms")

from sms import webhook  # noqa: E402,F401  (the routes attach to bp)
