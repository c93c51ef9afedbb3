"""The outbox at a glance for the staff dashboard: sent, delivered, failed, waiting; estimated cost."""
from peewee import fn

from models import OutboxMessage

# Outbox statuses (ours, then Twilio's delivery statuses) grouped as the dashboard counts them.
GROUPS = {
    "waiting": ("pending", "claimed"),
    "sent": ("accepted", "scheduled", "queued", "sending", "sent"),
    "delivered": ("delivered", "read"),
    "failed": ("failed", "undelivered", "canceled"),
    "not_sent": ("skipped", "logged"),  # opted out, or no Twilio credentials (written to the log)
}
GROUP_OF = {status: group for group, statuses in GROUPS.items() for status in statuses}


def summary(price_per_segment):
    """{group: messages} for GROUPS, plus 'segments' Twilio took (recorded at send) and 'cost'
    = segments × price_per_segment (the configured currency); an unknown status counts as sent."""
    figures = dict.fromkeys(GROUPS, 0) | {"segments": 0}
    query = (OutboxMessage.select(OutboxMessage.status, fn.COUNT(OutboxMessage.id),
                                  fn.SUM(OutboxMessage.segments))
             .group_by(OutboxMessage.status))
    for status, n, billed in query.tuples():
        figures[GROUP_OF.get(status, "sent")] += n
        figures["segments"] += int(billed or 0)
    figures["cost"] = figures["segments"] * price_per_segment
    return figures
