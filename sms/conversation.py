"""The guided registration by SMS: one question per message, state kept per phone."""
import datetime as dt

from flask import current_app

from core import dtks
from core.identity import clean_digits
from core.validation import Applicant, clean_name, validate
from models import Occupation, Region, SmsSession, now
from sms import lookup, replies
from sms.commands import dtks_answer

# "dtks" is asked only when the core says the answer can change where the worker goes.
STEPS = ("nik", "name", "job", "place", "dtks")
YES_NO_STEPS = ("dtks",)  # steps a YA or TIDAK answers
# The core's fields whose errors send the worker back to a step (age comes from the NIK).
STEP_FIELDS = {"nik": ("nik", "birth_date"), "name": ("name",), "job": ("occupation",),
               "place": ("kelurahan",), "dtks": ()}


def load(phone):
    """(the live session of a phone or None, whether one had just expired)."""
    session = SmsSession.get_or_none(SmsSession.phone == phone)
    if session is not None and session.expires_at < now():
        end(phone)
        return None, True
    return session, False


def save(phone, step, data):
    """Create or move on a phone's session; every answer gives it a fresh lease of time."""
    expires = now() + dt.timedelta(minutes=current_app.config["SMS_SESSION_MINUTES"])
    SmsSession.insert(phone=phone, step=step, data=data, expires_at=expires).on_conflict(
        conflict_target=[SmsSession.phone],
        update={SmsSession.step: step, SmsSession.data: data, SmsSession.expires_at: expires},
    ).execute()


def end(phone):
    """Forget a phone's session."""
    SmsSession.delete().where(SmsSession.phone == phone).execute()


def start(phone, fields, lang):
    """DAFTAR with or without fields: keep what was given, ask for the first thing missing."""
    data, problems = {"lang": lang}, {}
    if fields and fields[0] is None:  # words separated by spaces only
        words = fields[1:]
        nik_words = []
        while words and words[0].isdigit() and len("".join(nik_words)) < 16:
            nik_words.append(words.pop(0))
        fields = ["".join(nik_words)] + spaced_fields(words)
    for step, value in zip(STEPS, fields):
        accept(step, value, data, problems)
    return advance(phone, data, problems)


def spaced_fields(words):
    """[name, job, place] (and a last DTKS word, `… Manggar DTKS`) from words split by spaces."""
    if len(words) > 3 and dtks_answer(words[-1]) is not None:
        fields = lookup.split_spaced(words[:-1])
        if len(fields) == 3:
            return fields + [words[-1]]
    return lookup.split_spaced(words) if words else []


def accept(step, text, data, problems):
    """Keep one answer in data; a job or place not found goes into problems as (text, ask again)."""
    lang = data["lang"]
    if step == "nik":
        data["nik"] = clean_digits(text)[:32]
    elif step == "name":
        data["name"] = clean_name(text)[:200]
    elif step == "job":
        occupation = lookup.find_occupation(text)
        if occupation is None:
            problems["job"] = (replies.error("occupation_invalid", lang), True)
        else:
            data["job"] = occupation.code
    elif step == "dtks":
        answer = dtks_answer(text, numbers=True)
        if answer is None:
            problems["dtks"] = (replies.say("dtks_unclear", lang), True)
        else:
            data["dtks"] = answer
    else:
        accept_place(text, data, problems)


def accept_place(text, data, problems):
    """A kelurahan by name; a number picks from the choice we offered; a regency asks further."""
    lang, choices = data["lang"], data.pop("choices", None)
    typed = text.strip().rstrip(".")
    if choices and typed.isdigit() and 1 <= int(typed) <= len(choices):
        data["place"] = choices[int(typed) - 1]
        return
    match = lookup.find_place(text, regency=data.get("regency"))
    found = match.found
    if found is not None and found.level == "regency":
        data["regency"] = found.code
        problems["place"] = (replies.say("place_regency", lang, place=replies.place_label(found.name)),
                             False)
    elif found is not None:
        data["place"] = found.code
    elif match.maybe:
        data["choices"] = [r.code for r in match.maybe[:replies.MAX_CHOICES]]
        problems["place"] = (replies.place_choice(match.maybe[:replies.MAX_CHOICES], lang), False)
    else:
        problems["place"] = (replies.error("kelurahan_invalid", lang), True)


def applicant(data, phone):
    """The Applicant the answers so far make; the YA that follows confirms both declarations
    (DTKS is declared by its own answer, when it was asked)."""
    return Applicant(nik=data.get("nik", ""), name=data.get("name", ""), phone=phone,
                     occupation=data.get("job", ""), kelurahan=data.get("place", ""),
                     decl_not_participant=True, decl_income=True,
                     decl_dtks=bool(data.get("dtks")))


def advance(phone, data, problems):
    """Ask the first step that is missing or wrong (the core's own field rules), else confirm."""
    lang, rules = data["lang"], current_app.config["RULES"]
    errors, _ = validate(applicant(data, phone), rules, birth_from_nik=True)
    if "phone" in errors:  # this number cannot register by SMS, whatever else it answers
        end(phone)
        return replies.error(errors["phone"], lang, rules)
    for step in STEPS:
        if step in problems:
            save(phone, step, data)
            problem, ask_again = problems[step]
            return join(problem, question(step, lang, again=True) if ask_again else "", step)
        if step == "dtks":
            done = dtks_step(phone, data)
            if done:
                return done
            continue
        key = next((errors[f] for f in STEP_FIELDS[step] if f in errors), None)
        if key and step not in data:
            save(phone, step, data)
            return question(step, lang)
        if key:
            del data[step]
            save(phone, step, data)
            return join(replies.error(key, lang, rules), question(step, lang, again=True), step)
    save(phone, "confirm", data)
    return replies.say("ask_confirm", lang, name=data["name"],
                       job=replies.job_label(Occupation.get_by_id(data["job"]), lang),
                       place=replies.place_label(Region.get_by_id(data["place"]).name))


def dtks_step(phone, data):
    """The DTKS question if the core says the answer matters and it is not answered yet; the
    refusal if the worker is not on DTKS and only DTKS pools serve them; else None (go on)."""
    lang, bearing = data["lang"], dtks.matters(data["place"], data["nik"])
    if bearing and "dtks" not in data:
        save(phone, "dtks", data)
        return question("dtks", lang)
    if bearing == "only" and data["dtks"] is False:
        end(phone)  # nothing to register: no pool serves this worker (stored: nothing)
        return replies.error("dtks_required", lang)
    return None


def question(step, lang, again=False):
    """The question for a step (shorter when it follows an error)."""
    prefix = "again_" if again else "ask_"
    if step == "job":
        return replies.say(prefix + "job", lang, menu=replies.job_menu(Occupation.menu(), lang))
    return replies.say(prefix + step, lang)


def join(problem, ask, step):
    """An error and the question after it (the problem alone when it asks by itself)."""
    return replies.fit(f"{problem} {ask}".strip(), step)


def answer(session, command, phone):
    """Take the answer to the question this phone was asked last."""
    data, problems = dict(session.data), {}
    accept(session.step, command.text, data, problems)
    return advance(phone, data, problems)


def pending(session, lang):
    """What this phone's conversation waits for, asked again in few words."""
    if session.step in STEPS:
        return question(session.step, lang, again=True)
    ref = replies.pretty_ref(session.data.get("ref"))
    return replies.say("yes_no" if session.step == "confirm" else "cancel_yes_no", lang, ref=ref)


def remind(key, session, lang):
    """The text for key (if any) and what the conversation waits for; the question alone when
    both do not fit one SMS."""
    ask = pending(session, lang)
    both = f"{replies.say(key + '_short', lang)} {ask}" if key else ask
    return both if replies.fits(both) else ask
