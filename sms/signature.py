"""Twilio's X-Twilio-Signature, checked on every webhook against the configured public URL."""
import logging
from functools import wraps

from flask import Response, current_app, request
from twilio.request_validator import RequestValidator

try:
    from twilio.request_validator import get_signature_algorithm
except ImportError:  # an older twilio-python knows Auth Token signatures (HMAC-SHA1) only
    get_signature_algorithm = None

log = logging.getLogger("jaring.sms")
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"


def signature_algorithm():
    """The algorithm Twilio names in its settings header (HMAC-SHA1 when there is none)."""
    if get_signature_algorithm is None:
        return None
    return get_signature_algorithm(request.headers.get(SETTINGS_HEADER))


def twilio_signed(view):
    """Refuse (403) a request whose X-Twilio-Signature does not match PUBLIC_BASE_URL + path."""
    @wraps(view)
    def checked(*args, **kwargs):
        """The view, once the signature matched."""
        token = current_app.config.get("TWILIO_AUTH_TOKEN")
        signature = request.headers.get("X-Twilio-Signature", "")
        # The public URL, not request.url: behind a TLS proxy the scheme and host differ.
        url = current_app.config["PUBLIC_BASE_URL"] + request.path
        if request.query_string:
            url += "?" + request.query_string.decode("latin-1")
        algorithm = signature_algorithm()
        valid = bool(token and signature) and RequestValidator(token).validate(
            url, request.form, signature, **({"algorithm": algorithm} if algorithm else {}))
        if not valid:
            log.warning("refused an unsigned or wrongly signed request to %s", request.path)
            return Response(status=403)  # empty: Twilio reads no page, and a stranger gets none
        return view(*args, **kwargs)
    return checked
