"""Audit rows and outbox SMS, written in the caller's transaction beside the change they record."""
from core.hotsql import insert
from models import AuditEvent, OutboxMessage


def audit(actor, action, registration=None, before=None, after=None, **detail):
    """Append an audit event (actor like 'staff:siti' or 'worker:sms'; detail as JSON)."""
    insert(AuditEvent, dict(actor=actor, action=action, registration=registration,
                            before=before, after=after, detail=detail or None))


def queue_sms(registration, kind, **params):
    """Write an outbound SMS of kind (a reply template key) to the registration's phone."""
    params.setdefault("ref", registration.ref)
    insert(OutboxMessage, dict(phone=registration.phone, kind=kind, params=params,
                               registration=registration))
