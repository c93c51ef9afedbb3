"""The SMS door (Twilio): signed webhooks in, TwiML replies out, delivery statuses back."""
import logging
import time
import traceback
from functools import wraps

from flask import Blueprint, Response, current_app, g, request
from limits import parse_many
from twilio.request_validator import RequestValidator
from twilio.twiml.messaging_response import MessagingResponse
from werkzeug.exceptions import HTTPException

from extensions import limiter
from core.identity import normalize_phone
from sms import replies
from sms.door import respond
from sms.sender import STATUS_PATH, record_status

try:
    from twilio.request_validator import get_signature_algorithm
except ImportError:  # an older twilio-python knows Auth Token signatures (HMAC-SHA1) only
    get_signature_algorithm = None

bp = Blueprint("sms", __name__, url_prefix="/sms")
log = logging.getLogger("jaring.sms")
SETTINGS_HEADER = "X-Twilio-Webhooks-Signature-Settings"
PER_PHONE = parse_many("10/minute;60/hour")

__all__ = ["bp", "respond", "twilio_signed", "STATUS_PATH"]


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


def twiml(text):
    """A TwiML reply with one message (none for an empty text)."""
    reply = MessagingResponse()
    if text:
        reply.message(text)
    return Response(str(reply), mimetype="text/xml")


def over_limit(phone):
    """Whether this phone sent more than its share of messages lately (auto-reply loops, abuse)."""
    if not (current_app.config.get("RATELIMIT_ENABLED") and limiter.enabled):
        return False
    return not all(limiter.limiter.hit(item, "sms-phone", phone) for item in PER_PHONE)


@bp.before_request
def _start_clock():
    """Note when the SMS door started on this request."""
    g.sms_started = time.perf_counter()


@bp.after_request
def _server_timing(response):
    """Say how long the app took (the benchmark reads this)."""
    started = g.get("sms_started")
    if started is not None:
        duration = (time.perf_counter() - started) * 1000
        response.headers["Server-Timing"] = f"app;dur={duration:.2f}"
    return response


@bp.errorhandler(Exception)
def _unexpected(error):
    """An SMS that broke something still gets a polite reply, never Twilio's error tone."""
    if isinstance(error, HTTPException):
        return error
    # Type and stack only: the message itself may quote a NIK, a name or a phone.
    log.error("sms door: unhandled %s\n%s", type(error).__name__,
              "".join(traceback.format_tb(error.__traceback__)))
    return twiml(replies.error("unknown_error"))


@bp.post("/twilio")
@twilio_signed
def inbound():
    """Twilio's webhook for an inbound SMS: answer it with TwiML."""
    phone = request.form.get("From", "")
    if over_limit(normalize_phone(phone) or phone[:20]):
        return twiml("")
    sid = request.form.get("MessageSid") or request.form.get("SmsSid")
    # A NUL can stand for GSM-7's "@"; PostgreSQL cannot store it, and no command needs it.
    return twiml(respond(phone, request.form.get("Body", "").replace("\x00", " "), sid))


@bp.post("/twilio/status")
@twilio_signed
def delivery_status():
    """Twilio's delivery report for a message we sent: record it on the outbox row."""
    record_status(request.form.get("MessageSid") or request.form.get("SmsSid", ""),
                  request.form.get("MessageStatus") or request.form.get("SmsStatus", ""),
                  request.form.get("ErrorCode", ""))
    return "", 204
