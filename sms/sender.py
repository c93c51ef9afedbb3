"""The outbox sender: render each queued notification and deliver it through Twilio's REST API,
paced to the sending number's rate, retrying only what Twilio says may succeed later.

Delivery is at least once (docs/reliability.md): a row is marked 'claimed' before the API call, so
a sender killed after Twilio accepted a message but before the SID was written sends it again
once the lease runs out."""
import datetime as dt
import logging
import time
from collections import Counter

from flask import current_app
from twilio.base.exceptions import TwilioRestException
from twilio.http.http_client import TwilioHttpClient
from twilio.rest import Client

from models import OutboxMessage, SmsOptOut, db, now
from sms import language, replies
from sms.gsm import segments

log = logging.getLogger("jaring.sms")
STATUS_PATH = "/sms/twilio/status"
LEASE = dt.timedelta(minutes=5)  # a row whose sender died while sending is tried again after this
# A batch claimed at once holds what the pace sends in this long: far inside LEASE, so no row
# waits in a live sender's batch until another sender may take it.
CLAIM_SECONDS = 10
# A call Twilio has not answered in this long is given up (and retried later); without it one hung
# call could keep a batch past LEASE, when another sender may take and send its rows again.
SEND_TIMEOUT = 30  # seconds
UNSUBSCRIBED = "21610"  # Twilio: this phone replied STOP to our number
# Twilio error codes that may succeed later: queue overflow (30001), handset unreachable or unknown
# for now (30003, 30005), carrier hiccups (30008), rate limits (20429, 14107), Twilio down (20500,
# 20503). Anything else Twilio refuses with a 4xx is definite: 21211 invalid number, 21614 not a
# mobile, 21610 opted out, 21612/21408 no route or region, 30004/30006/30007 blocked or landline.
RETRYABLE = frozenset({"30001", "30003", "30005", "30008", "20429", "14107", "20500", "20503"})
DEFINITE = frozenset({"21610", "21211", "21614", "21612", "21408", "21606", "21617", "30004",
                      "30006", "30007"})
# Twilio's delivery statuses in the order they happen; a late report never moves a row back.
PROGRESS = {"claimed": 0, "accepted": 1, "scheduled": 1, "queued": 2, "sending": 3, "sent": 4,
            "delivered": 5, "undelivered": 5, "failed": 5, "canceled": 5, "read": 6}


def make_client(config):
    """A Twilio REST client, or None when the credentials are not all configured (log only)."""
    if not all(config.get(k) for k in ("TWILIO_ACCOUNT_SID", "TWILIO_AUTH_TOKEN", "TWILIO_FROM")):
        return None
    return Client(config["TWILIO_ACCOUNT_SID"], config["TWILIO_AUTH_TOKEN"],
                  http_client=TwilioHttpClient(timeout=SEND_TIMEOUT))


class Pacer:
    """Spaces API calls 1/per_second seconds apart on `clock` (seconds); `sleep(s)` waits and
    returns True when told to stop (threading.Event.wait), so a worker stops between messages."""

    def __init__(self, per_second, clock=time.monotonic, sleep=None):
        self.interval, self.clock = 1.0 / per_second, clock
        self.sleep = sleep or (lambda seconds: time.sleep(seconds) or False)
        self.next_at, self.stopped = None, False

    def wait(self):
        """Block until the next call may start; False (and stopped) if told to stop meanwhile."""
        # A loop: a wait may end a little early, which must not read as being told to stop.
        while self.next_at is not None and self.clock() < self.next_at:
            if self.sleep(self.next_at - self.clock()):
                self.stopped = True
                return False
        self.next_at = max(self.clock(), self.next_at or 0) + self.interval
        return True


def make_pacer(config, sleep=None):
    """The pace of the one sending number or Messaging Service: SMS_RATE_PER_SECOND."""
    return Pacer(config.get("SMS_RATE_PER_SECOND", 1.0), sleep=sleep)


def drain(client=None, limit=100, pacer=None):
    """Send each due outbox row once (at most `limit`), paced; count the outcomes.

    Rows are claimed a batch per transaction: without credentials the whole batch is logged in
    that one transaction; with them, a batch holds what the pace sends in CLAIM_SECONDS, and each
    row's outcome is written as soon as Twilio answers (its status callbacks find the SID)."""
    config = current_app.config
    client = client if client is not None else make_client(config)
    if client is None:
        return log_due(limit)
    pacer = pacer or make_pacer(config)
    counts = Counter()
    batch = max(1, min(limit, int(config.get("SMS_RATE_PER_SECOND", 1.0) * CLAIM_SECONDS)))
    while not pacer.stopped and sum(counts.values()) < limit:
        rows = claim_due(min(batch, limit - sum(counts.values())))
        if not rows:
            break
        send_batch(rows, client, config, pacer, counts)
    return counts


def send_batch(rows, client, config, pacer, counts):
    """Send claimed rows in order, adding outcomes to counts (a Counter). The rows not sent go
    back to the queue when told to stop ('released'), when half the lease has passed (Twilio
    slower than the pace: claimed again at once) or when an error ends the batch (re-raised)."""
    claimed_at, n = time.monotonic(), -1
    try:
        opted, langs = opted_out(rows), language.chosen_of(r.phone for r in rows)
        for n, row in enumerate(rows):
            if pacer.stopped:
                counts["released"] += release(rows[n:])
                return
            if n and time.monotonic() - claimed_at > LEASE.total_seconds() / 2:
                release(rows[n:])
                return
            counts[deliver(row, client, config, pacer, row.phone in opted,
                           langs.get(row.phone, "id"))] += 1
    except BaseException:
        try:
            release(rows[n + 1:])  # row n may have reached Twilio: its lease decides
        except Exception:  # noqa: BLE001 - the first error is the one to report
            log.error("outbox: could not give back a batch; its lease will")
        raise


def due():
    """The condition (a peewee expression) of rows a sender may take now: never sent yet, or
    claimed by a sender whose lease ran out."""
    return OutboxMessage.status.in_(("pending", "claimed")) & (OutboxMessage.next_attempt_at <= now())


def claim_due(limit):
    """Take up to `limit` due rows, oldest first, for this sender in one transaction, so two
    senders never send one twice: [OutboxMessage] with the try counted, leased for LEASE."""
    with db.atomic():
        query = OutboxMessage.select().where(due()).order_by(OutboxMessage.id).limit(limit)
        # PostgreSQL: another sender skips the rows this one is taking instead of waiting for them.
        rows = list(query.for_update("FOR UPDATE SKIP LOCKED") if db.for_update else query)
        if rows:
            OutboxMessage.update(
                status="claimed", attempts=OutboxMessage.attempts + 1, next_attempt_at=now() + LEASE
            ).where(OutboxMessage.id.in_([r.id for r in rows])).execute()
    for row in rows:
        row.attempts += 1  # as the UPDATE counted it in the table
    return rows


def log_due(limit):
    """Without Twilio credentials: mark up to `limit` due rows logged, skipped (opted out) or
    failed (no template) in one transaction, then log their ids and kinds; a Counter by status."""
    counts, skipped, logged = Counter(), [], []
    with db.atomic():
        rows = claim_due(limit)
        opted, langs = opted_out(rows), language.chosen_of(r.phone for r in rows)
        for row in rows:
            if row.phone in opted:
                skipped.append(row.id)
                continue
            try:
                render(row, langs.get(row.phone, "id"))
            except KeyError:
                counts[finish(row, "failed", error=f"no template for kind {row.kind[:24]}")] += 1
                continue
            except Exception as e:  # noqa: BLE001 - one bad row must not stop the queue for good
                counts[finish(row, "failed", error=f"cannot render ({type(e).__name__})")] += 1
                continue
            logged.append(row)
        sent = {OutboxMessage.sid: None, OutboxMessage.sent_at: now(), OutboxMessage.segments: None}
        for status, ids, values in (("skipped", skipped, {}),
                                    ("logged", [r.id for r in logged], sent)):
            if ids:
                OutboxMessage.update({OutboxMessage.status: status, OutboxMessage.error: None,
                                      **values}).where(OutboxMessage.id.in_(ids)).execute()
                counts[status] += len(ids)
    # After the commit: a slow log (a full pipe) must not hold SQLite's write lock.
    for row in logged:
        log.info("outbox %s kind %s: no Twilio credentials, logged instead of sent", row.id, row.kind)
    return counts


def opted_out(rows):
    """The phones of rows (OutboxMessage) that sent STOP: a set."""
    phones = {r.phone for r in rows}
    if not phones:
        return set()
    return {p for (p,) in SmsOptOut.select(SmsOptOut.phone).where(SmsOptOut.phone.in_(phones)).tuples()}


def render(row, lang=None):
    """The text of an outbox row, from its kind and params, in `lang` (default: the phone's choice)."""
    params = row.params or {}
    lang = lang or language.chosen(row.phone) or "id"
    values = {"ref": replies.pretty_ref(params.get("ref")), "kpj": params.get("kpj") or "-",
              "reason": replies.reason_text(params.get("reject_reason"), lang),
              "note": params.get("reject_note") or "",
              "pos": replies.number(params["position"], lang) if params.get("position") else "-"}
    return replies.notice(row.kind, lang, **values)


def deliver(row, client, config, pacer, opted, lang):
    """Send one claimed row through Twilio in `lang` ('id' or 'en'; `opted`: its phone sent STOP),
    or skip or schedule it again; return what happened."""
    if opted:
        return finish(row, "skipped")
    try:
        body = render(row, lang)
    except KeyError:
        return finish(row, "failed", error=f"no template for kind {row.kind[:24]}")
    except Exception as e:  # noqa: BLE001 - else claimed again every lease, for ever
        return finish(row, "failed", error=f"cannot render ({type(e).__name__})")
    sender = config["TWILIO_FROM"]
    origin = {"messaging_service_sid": sender} if sender.startswith("MG") else {"from_": sender}
    if pacer is not None and not pacer.wait():
        release([row])
        return "released"
    try:
        message = client.messages.create(
            to=row.phone, body=body, status_callback=config["PUBLIC_BASE_URL"] + STATUS_PATH,
            **origin)
    except TwilioRestException as e:
        return failed(row, config, e.status, str(e.code or ""))
    except Exception as e:  # noqa: BLE001 - network and client errors: try again later
        return failed(row, config, None, type(e).__name__)
    log.info("outbox %s kind %s handed to Twilio as %s", row.id, row.kind, message.sid)
    finish(row, (message.status or "queued")[:12], sid=message.sid, segments=segments(body)[0])
    return "sent"


def retryable(http_status, code):
    """Whether a refused send may succeed later: a retryable Twilio code, no answer at all
    (network), 429 or 5xx; never a definite code or another 4xx."""
    if code in DEFINITE:
        return False
    if code in RETRYABLE or http_status is None:
        return True
    return http_status == 429 or http_status >= 500


def failed(row, config, http_status, code):
    """After a failed send: give up (definite, or too many tries) or try again later, backing off."""
    error = f"HTTP {http_status} code {code}" if http_status else f"error {code}"
    log.warning("outbox %s kind %s not sent (%s), attempt %s", row.id, row.kind, error, row.attempts)
    if code == UNSUBSCRIBED:
        SmsOptOut.insert(phone=row.phone).on_conflict_ignore().execute()
        return finish(row, "skipped", error=error)
    if not retryable(http_status, code) or row.attempts >= config.get("SMS_MAX_ATTEMPTS", 5):
        return finish(row, "failed", error=error)
    schedule_retry(row.id, row.attempts, config, error)
    return "retry"


def schedule_retry(row_id, attempts, config, error):
    """Put a row back in the queue after SMS_RETRY_SECONDS, doubling per attempt (at most 1 h)."""
    delay = min(config.get("SMS_RETRY_SECONDS", 30) * 2 ** (attempts - 1), 3600)
    OutboxMessage.update(status="pending", error=error, sid=None,
                         next_attempt_at=now() + dt.timedelta(seconds=delay)).where(
        OutboxMessage.id == row_id).execute()


def release(rows):
    """Give back claimed rows this sender stopped before sending (their try does not count);
    how many."""
    if rows:
        # Only rows still claimed: one purged meanwhile (core/retention.py) stays as it is.
        OutboxMessage.update(status="pending", attempts=OutboxMessage.attempts - 1,
                             next_attempt_at=now()).where(
            OutboxMessage.id.in_([r.id for r in rows])
            & (OutboxMessage.status == "claimed")).execute()
    return len(rows)


def finish(row, status, sid=None, error=None, segments=None):
    """Record how a row ended up; return its status for the counts."""
    values = {OutboxMessage.status: status, OutboxMessage.error: error}
    if sid or status == "logged":
        values.update({OutboxMessage.sid: sid, OutboxMessage.sent_at: now(),
                       OutboxMessage.segments: segments})
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
        if (status in ("undelivered", "failed") and error_code in RETRYABLE
                and row.attempts < current_app.config.get("SMS_MAX_ATTEMPTS", 5)):
            # Twilio dropped it (queue overflow, handset off): it never arrived, so send it again.
            schedule_retry(row.id, row.attempts, current_app.config, error)
            return True
        OutboxMessage.update(status=status, error=error).where(OutboxMessage.id == row.id).execute()
        if error_code == UNSUBSCRIBED:
            SmsOptOut.insert(phone=row.phone).on_conflict_ignore().execute()
    return True
