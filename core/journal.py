"""Audit rows and outbox SMS, written in the caller's transaction beside the change they record."""
from models import AuditEvent, OutboxMessage


def audit(actor, action, registration=None, before=None, after=None, **detail):
    """Append an audit event (actor like 'staff:siti' or 'worker:sms'; detail as JSON)."""
    AuditEvent.insert(actor=actor, action=action, registration=registration,
                      before=before, after=after, detail=detail or None).execute()


def queue_sms(registration, kind, **params):
    """Write an outbound SMS of kind (a reply template key) to the registration's phone."""
    params.setdefault("ref", registration.ref)
    OutboxMessage.insert(phone=registration.phone, kind=kind, params=params,
                         registration=registration).execute()
