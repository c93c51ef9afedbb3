"""What people type, made plain: phone-keyboard punctuation, odd spaces and wide digits folded."""
import re
import unicodedata

# Phone keyboards ("smart punctuation") and copy-paste bring these in place of ' - " and space.
APOSTROPHES = "\u2019\u2018\u201b\u02bc\u02bb\u02b9\u02bd\u00b4\u0060\u2032\u2035\uff07\u055a\ua78c"
DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d\u2043"
QUOTES = "\u201c\u201d\u201e\u201f\u00ab\u00bb\u2033\u2036\uff02"
# Zero-width characters that sneak in from copy-paste and some keyboards: dropped, not spaced.
INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad\u180e"
FOLD = str.maketrans({**{c: "'" for c in APOSTROPHES}, **{c: "-" for c in DASHES},
                      **{c: '"' for c in QUOTES}, **{c: None for c in INVISIBLE}})
SPACES = re.compile(r"\s+")


def plain(text):
    """Text with typographic apostrophes, dashes, quotes and spaces folded to ASCII, NFKC-composed,
    control characters dropped and whitespace runs made one space (ends trimmed)."""
    # Fold first: NFKC would turn the acute accent ´ into a space and a combining mark.
    text = unicodedata.normalize("NFKC", (text or "").translate(FOLD))
    text = "".join(ch if ch.isprintable() or ch.isspace() else " " for ch in text)
    return SPACES.sub(" ", text).strip()
