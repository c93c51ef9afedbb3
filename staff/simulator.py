"""SMS simulator (training, demos): send a text as a phone number through the SMS door's own code.

Admins only: texting as any phone reads (CEK) and cancels (BATAL) any registration, beyond an
operator's or verifier's scope.
"""
import re
import secrets

from flask import current_app, request
from flask_babel import gettext as _

from core import journal
from core.identity import mask_phone, normalize_phone
from models import OutboxMessage
from staff import bp
from staff.roles import actor, role_required
from web.pages import page_or_fragment

SID = re.compile(r"^SIM[0-9a-f]{32}$")  # never a Twilio MessageSid (those start SM or MM)
KEEP = 8  # exchanges kept on the page
BODY_MAX = 480


def new_sid():
    """A MessageSid for the next message typed on this page."""
    return "SIM" + secrets.token_hex(16)


def transcript(form):
    """The earlier exchanges, carried in the page's own form (nothing about them is stored here)."""
    said, heard = form.getlist("said")[-KEEP:], form.getlist("heard")[-KEEP:]
    return [(s[:BODY_MAX], h[:BODY_MAX]) for s, h in zip(said, heard)]


def simulator_page(phone_text="", exchanges=(), error=None, status=200):
    """The simulator (the fragment for htmx), with the notifications queued for this phone."""
    phone = normalize_phone(phone_text)
    queued = []
    if phone:
        rows = OutboxMessage.select().where(OutboxMessage.phone == phone).order_by(OutboxMessage.id.desc())
        queued = [(row.created_at, row.status, current_app.extensions["sms"].outbox_text(row))
                  for row in rows.limit(5)]
    return page_or_fragment("staff/simulator.html", "staff/_simulator.html", status,
                            phone=phone_text, exchanges=list(exchanges), queued=queued,
                            error=error, sid=new_sid())


@bp.get("/simulator")
@role_required("admin", province=True)
def simulator():
    """An empty conversation."""
    return simulator_page()


@bp.post("/simulator")
@role_required("admin", province=True)
def simulate():
    """Pass the text to the SMS door's answer(), as the Twilio webhook does, and show the reply.

    The page answers the POST itself (no redirect) because the conversation lives in the form;
    sending the same form twice reuses its MessageSid, so the SMS door answers it once, as it
    does for Twilio's retries.
    """
    phone_text = request.form.get("phone", "").strip()[:32]
    body = request.form.get("body", "")[:BODY_MAX]
    exchanges = transcript(request.form)
    phone = normalize_phone(phone_text)
    if phone is None:
        return simulator_page(phone_text, exchanges, _("Tulis nomor HP Indonesia, misalnya 0812 3456 7890."), 422)
    if not body.strip():
        return simulator_page(phone_text, exchanges, _("Tulis isi SMS."), 422)
    sid = request.form.get("sid", "")
    sid = sid if SID.match(sid) else new_sid()
    reply = current_app.extensions["sms"].answer(phone, body, sid)
    journal.audit(actor(), "sms_simulator", phone=mask_phone(phone), sid=sid)
    return simulator_page(phone_text, (exchanges + [(body, reply)])[-KEEP:])
