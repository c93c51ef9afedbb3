"""Every text the SMS door sends, Indonesian first, English second; each fits one SMS."""
import logging
import string

from core.pools import SMS_NAME_MAX
from core.refs import format_ref
from models import Region
from sms.gsm import SMS_LIMIT, clip, fits, gsm7_length, to_gsm7
from sms.texts import ERRORS, NOTICES, REASONS, STATUS, TEXTS

log = logging.getLogger("jaring.sms")
# The most of each value a reply repeats; a 100-letter name is cut, not sent back whole.
CAPS = {"name": 18, "job": 16, "place": 22, "pool": SMS_NAME_MAX, "kpj": 20, "ref": 9, "pos": 9,
        "left": 9, "cap": 9, "options": 60, "menu": 120, "items": 160, "status": 60,
        "reason": 40, "max_age": 3, "min_age": 3, "max_niks": 3, "choices": 100, "n": 1,
        "contact": 68, "jkm": 16, "cc": 12}
ELASTIC = "note"  # takes whatever room the rest of the text leaves
SHORT_JOBS = {"ojol": "Ojek online", "ojek-pangkalan": "Ojek pangkalan", "nelayan": "Nelayan",
              "petani": "Petani", "pedagang": "Pedagang kecil", "buruh-harian": "Buruh harian",
              "kurir": "Kurir", "art": "PRT", "lainnya": "Lainnya"}
SHORT_JOBS_EN = {"ojol": "Ride-hailing", "ojek-pangkalan": "Motorbike taxi", "art": "Domestic",
                 "pedagang": "Small trader", "buruh-harian": "Day labourer", "lainnya": "Other"}


def placeholders(template):
    """The names a template fills in."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


def compose(template, values):
    """Fill a template with values cut to their caps; the elastic note gets the room left."""
    filled = {k: clip(" ".join(str(v).split()), CAPS.get(k, 24)) for k, v in values.items()
              if k != ELASTIC}
    text = template.format(**filled, **({ELASTIC: ""} if ELASTIC in values else {}))
    if values.get(ELASTIC):
        room = SMS_LIMIT - gsm7_length(text)
        note = " ".join(str(values[ELASTIC]).split())
        text = template.format(**filled, note=clip(note, room) if room > 4 else "")
    return text.strip()


def fit(text, key):
    """The last guard: a text that would not fit one SMS is cut (and the template logged)."""
    if fits(text):
        return text
    log.warning("sms reply %s did not fit one SMS; cut", key)
    return clip(text, SMS_LIMIT)


def say(key, lang="id", **values):
    """The reply for key in lang, with values filled in, as one GSM-7 SMS."""
    texts = TEXTS.get(lang, TEXTS["id"])
    return fit(compose(texts.get(key, TEXTS["id"][key]), values), key)


def error(key, lang="id", rules=None):
    """The SMS for one of the core's error keys."""
    rules = rules or {}
    table = ERRORS.get(lang, ERRORS["id"])
    return fit(compose(table.get(key, table["unknown_error"]), {
        "max_age": rules.get("max_age", ""), "min_age": rules.get("min_age", ""),
        "max_niks": rules.get("max_niks_per_phone", "")}), key)


def number(n, lang="id"):
    """1234567 as `1.234.567` (Indonesian) or `1,234,567`."""
    text = f"{int(n):,}"
    return text.replace(",", ".") if lang == "id" else text


def job_label(occupation, lang="id"):
    """A short name of an occupation for menus and summaries."""
    if lang == "en":
        return SHORT_JOBS_EN.get(occupation.code) or occupation.name_en
    return SHORT_JOBS.get(occupation.code) or occupation.name_id


def job_menu(occupations, lang="id"):
    """`1 Ojek online, 2 Ojek pangkalan, ...` for as many as fit the menu cap."""
    return join_fitting([f"{i} {clip(job_label(o, lang), 14)}" for i, o in enumerate(occupations, 1)],
                        CAPS["menu"], ", ")


def join_fitting(parts, limit, sep="; ", more=None):
    """Join parts while they fit in limit septets; `more(n)` says how many were left out."""
    out = []
    for i, part in enumerate(parts):
        candidate = sep.join(out + [to_gsm7(part)])
        rest = len(parts) - i - 1
        tail = more(rest) if more and rest else ""
        if gsm7_length(candidate + tail) > limit:
            return sep.join(out) + (more(len(parts) - i) if more else "")
        out.append(to_gsm7(part))
    return sep.join(out)


def status_text(registration, position=None, lang="id"):
    """A registration's status in a few words (waiting-list place, KPJ, reason)."""
    words = STATUS.get(lang, STATUS["id"])[registration.status]
    reason = reason_text(registration.reject_reason, lang)
    return words.format(pos=number(position or 0, lang), kpj=clip(registration.kpj or "", 20),
                        reason=clip(reason, CAPS["reason"]))


def reason_text(key, lang="id"):
    """A rejection reason key in plain words."""
    table = REASONS.get(lang, REASONS["id"])
    return table.get(key or "", table["other"])


def notice(kind, lang="id", **values):
    """An outbound notification (outbox kind) as one SMS."""
    return fit(compose(NOTICES.get(lang, NOTICES["id"])[kind], values), kind)


def pretty_ref(ref):
    """`K7P3-QX9M` for a stored code."""
    return format_ref(ref) if ref and len(ref) == 8 else (ref or "")


def place_label(name):
    """`Kabupaten Penajam Paser Utara` -> `Kab. Penajam Paser Utara`."""
    return name.replace("Kabupaten ", "Kab. ")


MAX_CHOICES = 6  # the most places one numbered choice offers (Kaltim's most repeated name: 6)
# How people in Kaltim write their regencies briefly (a choice of six must fit one SMS).
SHORT_REGENCIES = {"64.01": "Paser", "64.02": "Kukar", "64.03": "Berau", "64.07": "Kubar",
                   "64.08": "Kutim", "64.09": "PPU", "64.11": "Mahulu", "64.71": "Balikpapan",
                   "64.72": "Samarinda", "64.74": "Bontang"}


def place_choice(regions, lang="id"):
    """`Ada 4 kelurahan Sidomulyo. Balas angka: 1 Kukar-Muara Badak 2 Kukar-Tabang 3 Kutim ...`.

    The regency tells the places apart, its kecamatan too where one regency has the name twice;
    different names (close spellings) are named in each option.
    """
    districts = {d.code: d.name for d in Region.select().where(
        Region.code.in_([r.parent for r in regions]))}
    keys = [(r.name.lower().replace(" ", ""), r.code[:5]) for r in regions]
    same_name = len({name for name, _ in keys}) == 1
    one_regency = len({regency for _, regency in keys}) == 1
    labels = []
    for region, (name, regency) in zip(regions, keys):
        where = SHORT_REGENCIES.get(regency, regency)
        if keys.count((name, regency)) > 1:
            where += "-" + clip(districts.get(region.parent, region.parent), 12)
        labels.append(where if same_name else clip(region.name, 16) if one_regency
                      else f"{clip(region.name, 16)} ({where})")
    options = join_fitting([f"{i} {label}" for i, label in enumerate(labels, 1)], CAPS["choices"], " ")
    if same_name:
        return say("place_choice", lang, n=len(regions), place=regions[0].name, choices=options)
    return say("place_choice_any", lang, choices=options)


def pool_label(pool):
    """A pool's SMS name (`Prov. Kaltim`), else its name shortened: whole words, never `..`."""
    if getattr(pool, "sms_name", ""):
        return pool.sms_name
    name = getattr(pool, "name", pool)
    for long, short in (("Kuota ", ""), ("Provinsi ", "Prov. "), ("Kalimantan Timur", "Kaltim")):
        name = name.replace(long, short)
    words, out = to_gsm7(name).split(), ""
    for word in words:
        if len(f"{out} {word}".strip()) > CAPS["pool"]:
            break
        out = f"{out} {word}".strip()
    return out or to_gsm7(name)[:CAPS["pool"]]


def contact(help_desk):
    """The help desk as one short line: `Disnaker Kota Balikpapan 0812.., Senin-Jumat ..`."""
    who = " ".join(v for v in (help_desk.get("office"), help_desk.get("phone")) if v)
    return ", ".join(v for v in (who, help_desk.get("hours")) if v)


def rupiah_short(amount, lang="id"):
    """42000000 -> `Rp42 juta` (Indonesian) or `Rp42 million`."""
    millions = amount / 1_000_000
    figure = f"{millions:g}".replace(".", "," if lang == "id" else ".")
    return f"Rp{figure} {'juta' if lang == 'id' else 'million'}" if millions >= 1 else f"Rp{amount}"


def say_list(key, lang, parts, **values):
    """A reply whose {items} are as many of parts as fit, then `(+n lagi)`."""
    texts = TEXTS.get(lang, TEXTS["id"])
    room = SMS_LIMIT - gsm7_length(compose(texts[key], dict(values, items="")))
    more = texts["more"]
    items = join_fitting(parts, room, more=lambda n: more.format(n=n))
    return say(key, lang, items=items, **values)


def benefits(figures, lang="id"):
    """MANFAAT: what JKK and JKM pay and where to claim, figures from config.BENEFITS."""
    return say("benefits", lang, jkm=rupiah_short(figures["jkm_total"], lang), cc=figures["call_centre"])
