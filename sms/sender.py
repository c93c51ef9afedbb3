"""The outbox sender: render each queued notification and deliver it through Twilio's REST API."""
import datetime as dt
import logging
from collections import Counter

from flask import current_app
from twilio.base.exceptions import TwilioRestException
from twilio.rest import Client

from models import OutboxMessage, SmsOptOut, db, now
from sms import language, replies

log = logging.getLogger("jaring.sms")
STATUS_PATH = "/sms/twilio/status"
LEASE = dt.timedelta(minutes=5)  # a row whose sender died while sending is tried again after this
UNSUBSCRIBED = "21610"  # Twilio: this phone replied STOP to our number
# Twilio's delivery statuses in the order they happen; a late report never moves a row back.
PROGRESS = {"claimed": 0, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
            "delivered": 5, "undelivered": 5, "failed": 5, "canceled": 5, "read": 6}


def make_client(config):
    """A Twilio REST client, or None when the credentials are not all configured (log only)."""
    if not all(config.get(k) for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")):
        return None
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"])


def drain(client=None, limit=100):
    """Send each due outbox row once (at most `limit`); count the outcomes."""
    config = current_app.config
    client = client if client is not None else make_client(config)
    counts = Counter()
    due = OutboxMessage.select(OutboxMessage.id).where(
        OutboxMessage.status.in_(("pending", "claimed")) & (OutboxMessage.next_attempt_at <= now())
    ).order_by(OutboxMessage.id).limit(limit)
    for row_id in [row.id for row in due]:
        if claim(row_id):
            counts[deliver(OutboxMessage.get_by_id(row_id), client, config)] += 1
    return counts


def claim(row_id):
    """Take a row for this sender, so two senders never send it twice; False if taken."""
    return OutboxMessage.update(
        status="claimed", attempts=OutboxMessage.attempts + 1, next_attempt_at=now() + LEASE
    ).where((OutboxMessage.id == row_id) & OutboxMessage.status.in_(("pending", "claimed"))
            & (OutboxMessage.next_attempt_at <= now())).execute() == 1


def render(row):
    """The text of an outbox row, from its kind and params."""
    params = row.params or {}
    lang = language.chosen(row.phone) or "id"
    values = {"ref": replies.pretty_ref(params.get("ref")), "kpj": params.get("kpj") or "-",
              "reason": replies.reason_text(params.get("reject_reason"), lang),
              "note": params.get("reject_note") or "",
              "pos": replies.number(params["position"], lang) if params.get("position") else "-"}
    return replies.notice(row.kind, lang, **values)


def deliver(row, client, config):
    """Send one claimed row, or skip, log or schedule it again; return what happened."""
    if SmsOptOut.select().where(SmsOptOut.phone == row.phone).exists():
        return finish(row, "skipped")
    try:
        body = render(row)
    except KeyError:
        return finish(row, "failed", error=f"no template for kind {row.kind[:24]}")
    if client is None:
        log.info("outbox %s kind %s: no Twilio credentials, logged instead of sent", row.id, row.kind)
        return finish(row, "logged")
    sender = config["TWILIO_FROM"]
    origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
    try:
        message = client.messages.create(
            to=row.phone, body=body, status_callback=config["PUBLIC_BASE_URL"] + STATUS_PATH,
            **origin)
    except TwilioRestException as e:
        return failed(row, config, e.status, str(e.code or ""))
    except Exception as e:  # noqa: BLE001 - network and client errors: try again later
        return failed(row, config, None, type(e).__name__)
    log.info("outbox %s kind %s handed to Twilio as %s", row.id, row.kind, message.sid)
    finish(row, (message.status or "queued")[:12], sid=message.sid)
    return "sent"


def failed(row, config, http_status, code):
    """After a failed send: give up (4xx, or too many tries) or try again later, backing off."""
    error = f"HTTP {http_status} code {code}" if http_status else f"error {code}"
    log.warning("outbox %s kind %s not sent (%s), attempt %s", row.id, row.kind, error, row.attempts)
    if code == UNSUBSCRIBED:
        SmsOptOut.insert(phone=row.phone).on_conflict_ignore().execute()
        return finish(row, "skipped", error=error)
    permanent = http_status is not None and 400 <= http_status < 500 and http_status != 429
    if permanent or row.attempts >= config.get("SMS_MAX_ATTEMPTS", 5):
        return finish(row, "failed", error=error)
    delay = min(config.get("SMS_RETRY_SECONDS", 30) * 2 ** (row.attempts - 1), 3600)
    OutboxMessage.update(status="pending", error=error,
                         next_attempt_at=now() + dt.timedelta(seconds=delay)).where(
        OutboxMessage.id == row.id).execute()
    return "retry"


def finish(row, status, sid=None, error=None):
    """Record how a row ended up; return its status for the counts."""
    values = {OutboxMessage.status: status, OutboxMessage.error: error}
    if sid or status == "logged":
        values.update({OutboxMessage.sid: sid, OutboxMessage.sent_at: now()})
    OutboxMessage.update(values).where(OutboxMessage.id == row.id).execute()
    return status


def record_status(sid, status, error_code=""):
    """A delivery report from Twilio: move the row with this message SID forward."""
    status, sid = (status or "").strip().lower()[:12], (sid or "").strip()[:40]
    if not sid or not status:
        return False
    with db.atomic():
        row = OutboxMessage.get_or_none(OutboxMessage.sid == sid)
        if row is None or PROGRESS.get(status, 0) < PROGRESS.get(row.status, 0):
            return False
        error = f"code {error_code[:10]}" if error_code else row.error
        OutboxMessage.update(status=status, error=error).where(OutboxMessage.id == row.id).execute()
        if error_code == UNSUBSCRIBED:
            SmsOptOut.insert(phone=row.phone).on_conflict_ignore().execute()
    return True
