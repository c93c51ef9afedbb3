"""The YA/TIDAK that ends a registration or a cancellation by SMS, through the quota core."""
from flask import current_app

from core import quota
from core.validation import FIELDS
from models import Registration
from sms import replies
from sms.conversation import applicant, end, save


def decide(session, command, phone):
    """YA or TIDAK to the confirmation this phone was asked for; anything else asks again."""
    data, step = session.data, session.step
    lang = data.get("lang") or "id"
    ref = replies.pretty_ref(data.get("ref"))
    if command.name not in ("yes", "no"):
        return replies.say("yes_no" if step == "confirm" else "cancel_yes_no", lang, ref=ref)
    end(phone)
    if step == "confirm":
        return register(data, phone) if command.name == "yes" else replies.say("not_sent", lang)
    if command.name == "yes":
        return cancel(data, phone)
    return replies.say("cancel_kept", lang, ref=ref)


def register(data, phone):
    """YA: register through the core and say what it decided."""
    lang, rules = data["lang"], current_app.config["RULES"]
    outcome = quota.register(applicant(data, phone), "sms", rules)
    if not outcome.ok:
        key = next(outcome.errors[f] for f in (*FIELDS, *outcome.errors) if f in outcome.errors)
        return replies.error(key, lang, rules)
    reg = outcome.registration
    ref = replies.pretty_ref(reg.ref)
    # Which place, and why: a pool for DTKS only was passed over (core note dtks_pool_skipped).
    why = "_no_dtks" if "dtks_pool_skipped" in outcome.notes else ""
    if reg.status == "waitlisted":
        return replies.say("waitlisted" + why, lang, ref=ref,
                           pos=replies.number(outcome.position, lang))
    return replies.say("registered" + why, lang, ref=ref, pool=replies.pool_label(reg.pool))


def ask_cancel(phone, reg, lang):
    """BATAL <kode>: ask YA before cancelling."""
    save(phone, "cancel", {"lang": lang, "id": reg.id, "ref": reg.ref})
    return replies.say("cancel_ask", lang, ref=replies.pretty_ref(reg.ref), name=reg.name)


def cancel(data, phone):
    """YA to BATAL: cancel through the core; the registration's own phone hears by the reply."""
    lang = data["lang"]
    reg = Registration.get_or_none(Registration.id == data.get("id"))
    if reg is None:
        return replies.error("not_found", lang)
    outcome = quota.cancel(reg, "worker:sms", notify=reg.phone != phone)
    if not outcome.ok:
        return replies.error(next(iter(outcome.errors.values())), lang)
    return replies.say("cancel_done", lang, ref=replies.pretty_ref(reg.ref))
