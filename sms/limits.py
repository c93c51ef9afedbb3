"""How many messages one phone may send: auto-reply loops and abuse get no answer."""
from flask import current_app
from limits import parse_many

from extensions import limiter

PER_PHONE = parse_many("10/minute;60/hour")


def over_limit(phone):
    """Whether this phone sent more than its share of messages lately (auto-reply loops, abuse)."""
    if not (current_app.config.get("RATELIMIT_ENABLED") and limiter.enabled):
        return False
    return not all(limiter.limiter.hit(item, "sms-phone", phone) for item in PER_PHONE)
