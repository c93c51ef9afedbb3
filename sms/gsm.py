"""How long a text is in one SMS (the alphabet: core/gsm7.py), and how to make any text fit it."""
import unicodedata

from core.gsm7 import BASIC, EXTENDED, SMS_LIMIT, gsm7_length  # noqa: F401 (the core checks names too)

LOOKALIKES = {
    "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "`": "'", "\u00b4": "'",
    "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u2013": "-", "\u2014": "-", "\u2212": "-",
    "\u2026": "...", "\u00a0": " ", "\t": " ", "\u2022": "-", "\u00b7": ".",
}


def fits(text, limit=SMS_LIMIT):
    """Whether text is pure GSM-7 and at most `limit` septets."""
    length = gsm7_length(text)
    return length is not None and length <= limit


def to_gsm7(text):
    """Replace what GSM-7 lacks: curly quotes and dashes by plain ones, accents dropped, else '?'."""
    out = []
    for ch in text or "":
        if ch in BASIC or ch in EXTENDED:
            out.append(ch)
            continue
        ch = LOOKALIKES.get(ch, ch)
        if all(c in BASIC for c in ch):
            out.append(ch)
            continue
        plain = "".join(c for c in unicodedata.normalize("NFKD", ch) if not unicodedata.combining(c))
        out.append(plain if plain and all(c in BASIC for c in plain) else "?")
    return "".join(out)


def clip(text, limit):
    """Cut a GSM-7 text to at most `limit` septets, marking the cut with '..'."""
    text = to_gsm7(text)
    if gsm7_length(text) <= limit:
        return text
    out, used = [], 0
    for ch in text:
        size = 2 if ch in EXTENDED else 1
        if used + size > limit - 2:
            break
        out.append(ch)
        used += size
    return "".join(out).rstrip() + ".."


def segments(text):
    """(SMS segments text is billed as, 'gsm7' or 'ucs2'): GSM-7 160 septets alone or 153 per part,
    UCS-2 (one character outside GSM-7 is enough) 70 UTF-16 units alone or 67 per part."""
    if gsm7_length(text) is not None:
        return _parts([2 if ch in EXTENDED else 1 for ch in text], 160, 153), "gsm7"
    return _parts([2 if ord(ch) > 0xFFFF else 1 for ch in text], 70, 67), "ucs2"


def _parts(sizes, alone, per_part):
    # A character never straddles two parts (an escaped GSM-7 one, a UTF-16 surrogate pair).
    if sum(sizes) <= alone:
        return 1
    count, used = 1, 0
    for size in sizes:
        if used + size > per_part:
            count, used = count + 1, 0
        used += size
    return count
