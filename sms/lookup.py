"""Turn what a worker typed into an occupation or a region: by number, code or name."""
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from core.identity import clean_digits
from models import Occupation, Region
from sms.replies import SHORT_JOBS, SHORT_JOBS_EN

CLOSE = 0.8  # SequenceMatcher ratio for a misspelling to count as the same name
MARGIN = 0.08  # how much better the best guess must be than the next to be unambiguous
PREFIXES = ("kota", "kabupaten", "kab")
LONGEST = 60  # no region or occupation name is longer; longer text is not compared letter by letter
MAX_NAME_WORDS = 8


def key(text):
    """Lower case letters and digits only: `Gunung Samarinda` == `gunungsamarinda`."""
    text = unicodedata.normalize("NFKD", text or "").lower()
    return re.sub(r"[^a-z0-9]", "", "".join(c for c in text if not unicodedata.combining(c)))


@dataclass
class Match:
    """The one thing a text names, or the names it might mean."""

    found: object = None
    maybe: list = field(default_factory=list)


def add(aliases, name, item):
    """Record that name (folded) may mean item."""
    folded = key(name)
    if folded and item not in aliases.setdefault(folded, []):
        aliases[folded].append(item)


def best(typed, aliases):
    """Match typed against {alias: [items]}: exact, then unique prefix, then close spelling."""
    typed = key(typed)
    if not typed:
        return Match()
    exact = aliases.get(typed, [])
    if exact:
        return Match(exact[0]) if len(exact) == 1 else Match(maybe=exact)
    if typed.isdigit() or not 4 <= len(typed) <= LONGEST:
        return Match()
    scores = {}
    for alias, items in aliases.items():
        if alias.startswith(typed):
            score = 0.95
        else:
            score = difflib.SequenceMatcher(None, typed, alias).ratio()
        for item in items:
            if score >= CLOSE and score > scores.get(item, 0):
                scores[item] = score
    ranked = sorted(scores.items(), key=lambda pair: -pair[1])
    if len(ranked) == 1 or (ranked and ranked[0][1] - ranked[1][1] >= MARGIN):
        return Match(ranked[0][0])
    return Match(maybe=[item for item, score in ranked[:4] if score >= ranked[0][1] - MARGIN])


def occupation_aliases():
    """{alias: [Occupation]}: menu number, code, names, short labels."""
    aliases = {}
    for number, occupation in enumerate(Occupation.menu(), 1):
        add(aliases, str(number), occupation)
        for name in (occupation.code, occupation.name_id, occupation.name_en,
                     SHORT_JOBS.get(occupation.code, ""), SHORT_JOBS_EN.get(occupation.code, "")):
            add(aliases, name, occupation)
    return aliases


def find_occupation(text, aliases=None):
    """The occupation a worker means by `1`, `ojol`, `nelayan` or `Ojek online`, or None."""
    return best(text, aliases or occupation_aliases()).found


def region_aliases():
    """{alias: [Region]} for every region a worker may give as domicile."""
    villages, regencies = Region.choosable()
    aliases = {}
    for region in villages + regencies:
        add(aliases, region.code, region)
        add(aliases, region.name, region)
        words = region.name.split(maxsplit=1)
        if len(words) == 2 and key(words[0]) in PREFIXES:  # `Kota Samarinda` -> `Samarinda`
            add(aliases, words[1], region)
            add(aliases, "kab " + words[1] if key(words[0]) == "kabupaten" else "", region)
    return aliases


def find_place(text, aliases=None):
    """Match a kelurahan (or regency) by name, close spelling or code (`64.71.01.1001`)."""
    typed = clean_digits(text) if clean_digits(text).isdigit() else text
    return best(typed, aliases or region_aliases())


def split_spaced(words):
    """`Budi Santoso 1 Manggar` -> [name, job, place], trying each of the first words as the job."""
    jobs, places = occupation_aliases(), region_aliases()
    for j in range(1, min(len(words) - 1, MAX_NAME_WORDS + 1)):
        if find_occupation(words[j], jobs) is not None:
            place = " ".join(words[j + 1:])
            if words[j].isdigit() or find_place(place, places).found is not None:
                return [" ".join(words[:j]), words[j], place]
    return [" ".join(words)]
