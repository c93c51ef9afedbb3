"""Turn what a worker typed into an occupation or a region: by number, code or name."""
import difflib
import re
import unicodedata
from dataclasses import dataclass, field

from peewee import fn

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
    matcher = difflib.SequenceMatcher(None, "", typed)  # typed is the cached side (seq2)
    for alias, items in aliases.items():
        if alias.startswith(typed):
            score = 0.95
        else:
            # The cheap upper bounds first: over a province's ~2,500 names, ratio() alone is slow.
            matcher.set_seq1(alias)
            if matcher.real_quick_ratio() < CLOSE or matcher.quick_ratio() < CLOSE:
                continue
            score = matcher.ratio()
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


_REGION_CACHE = {}


def region_aliases(regency=None):
    """{alias: [Region]}: every kelurahan and regency by name, our other spellings and code.

    Built once per process and kept while the region table is unchanged (one cheap query).
    """
    stamp = Region.select(fn.COUNT(Region.code), fn.MAX(Region.code),
                          fn.SUM(fn.LENGTH(Region.aliases))).tuples().first()
    if _REGION_CACHE.get("stamp") != stamp:
        _REGION_CACHE.clear()
        _REGION_CACHE["stamp"] = stamp
    if regency not in _REGION_CACHE:
        query = Region.select().where(Region.level.in_(("village", "regency")))
        if regency:
            query = query.where(Region.code.startswith(regency + ".") & (Region.level == "village"))
        _REGION_CACHE[regency] = build_region_aliases(query)
    return _REGION_CACHE[regency]


def build_region_aliases(regions):
    """{alias: [Region]} for the regions given."""
    aliases = {}
    for region in regions:
        add(aliases, region.code, region)
        add(aliases, region.name, region)
        for other in (region.aliases or "").split("|"):
            add(aliases, other, region)
        words = region.name.split(maxsplit=1)
        if len(words) == 2 and key(words[0]) in PREFIXES:  # `Kota Samarinda` -> `Samarinda`
            add(aliases, words[1], region)
            add(aliases, "kab " + words[1] if key(words[0]) == "kabupaten" else "", region)
    return aliases


def find_place(text, aliases=None, regency=None):
    """Match a kelurahan or a regency by name, close spelling or code (`64.71.01.1001`).

    With a regency (the worker named it before), its kelurahan are tried first.
    """
    typed = clean_digits(text) if clean_digits(text).isdigit() else text
    if regency and aliases is None:
        match = best(typed, region_aliases(regency))
        if match.found is not None or match.maybe:
            return match
    return best(typed, aliases or region_aliases())


def split_spaced(words):
    """`Budi Santoso 1 Manggar` -> [name, job, place], trying each of the first words as the job."""
    jobs, places = occupation_aliases(), region_aliases()
    for j in range(1, min(len(words) - 1, MAX_NAME_WORDS + 1)):
        if find_occupation(words[j], jobs) is not None:
            place = " ".join(words[j + 1:])
            match = find_place(place, places)
            if words[j].isdigit() or match.found is not None or match.maybe:
                return [" ".join(words[:j]), words[j], place]
    return [" ".join(words)]
