"""Read an inbound SMS: which command, in which language, with which fields."""
import re
from dataclasses import dataclass, field

from core.text import plain

MAX_BODY = 1600  # Twilio's own limit for one inbound message
SEPARATORS = re.compile(r"[#*,\s]+")
# A keyword is the first word, whatever punctuation surrounds it: `KUOTA.`, `Cek?`, `DAFTAR: NIK`.
KEYWORD = re.compile(r"[^A-Za-z0-9]*([A-Za-z]+)(?![A-Za-z])(.*)", re.S)
# What people put around a word or between a keyword and what follows: `DAFTAR: …`, `(STOP)`.
PUNCTUATION = " #*,.:;!?\"'()[]{}<>-=~_/\\|"
# Twilio's default opt-out, opt-in and help words, plus Indonesian ones. Like Twilio, they count
# only as a message of one word, and no other command ever uses them.
RESERVED = {
    "STOP": "stop", "STOPALL": "stop", "UNSUBSCRIBE": "stop", "END": "stop", "QUIT": "stop",
    "REVOKE": "stop", "OPTOUT": "stop", "CANCEL": "stop", "BERHENTI": "stop",
    "START": "start", "MULAI": "start", "UNSTOP": "start", "YES": "start",
    "HELP": "help", "INFO": "help", "BANTUAN": "help",
}
COMMANDS = {
    "DAFTAR": "register", "REG": "register", "REGISTER": "register",
    "CEK": "check", "STATUS": "check", "CHECK": "check",
    "BATAL": "cancel", "WITHDRAW": "cancel",
    "KUOTA": "quota", "QUOTA": "quota", "SISA": "quota",
    "MANFAAT": "benefits", "BENEFITS": "benefits", "BENEFIT": "benefits",
    "BAHASA": "language", "LANGUAGE": "language",
}
ENGLISH = {"REGISTER", "CHECK", "WITHDRAW", "QUOTA", "HELP", "START", "UNSUBSCRIBE", "QUIT",
           "YES", "UNSTOP", "STOPALL", "REVOKE", "OPTOUT", "CANCEL", "END", "BENEFITS", "BENEFIT"}
# Twilio's opt-in word YES is also what an English speaker answers to "Balas YA".
ALSO_YES = {"YES"}
# BAHASA EN / BAHASA ID (LANGUAGE EN too): the language the phone's SMS are in from now on.
LANGUAGES = {"EN": "en", "ENGLISH": "en", "INGGRIS": "en", "ID": "id", "INDONESIA": "id",
             "IND": "id", "INDONESIAN": "id"}
YES = {"YA", "Y", "IYA", "IYAA", "OK", "OKE", "BENAR", "SETUJU"}
NO = {"TIDAK", "T", "TDK", "TIDAKK", "NO", "N", "GAK", "ENGGAK", "NGGAK", "BUKAN"}
# Answers to "on DTKS?" (the guided question, and DAFTAR's optional last field `#DTKS`/`#TIDAK`).
DTKS_YES = YES | {"YES", "DTKS", "SUDAH", "TERDAFTAR"}
DTKS_NO = NO | {"BELUM", "NONDTKS", "TIDAKDTKS", "BUKANDTKS", "TIDAKTERDAFTAR"}


@dataclass
class Command:
    """One inbound SMS read: name (register, check, cancel, quota, benefits, language, stop,
    start, help, yes, no, text), its arguments, the language its keyword suggests (None: keep the default)."""

    name: str
    text: str = ""
    args: list = field(default_factory=list)
    lang: str = None
    meant: str = None  # a reserved word's everyday sense: `yes` for YES (Twilio's opt-in word)


def clean_body(body):
    """The body as plain text: phone-keyboard characters folded (core/text.py), control
    characters dropped, length bounded."""
    return plain((body or "")[:MAX_BODY])


def parse(body):
    """Read a message; anything unrecognised is Command('text')."""
    text = clean_body(body)
    words = [w for w in SEPARATORS.split(text.strip(PUNCTUATION)) if w]
    if len(words) == 1 and words[0].upper() in RESERVED:
        word = words[0].upper()
        return Command(RESERVED[word], text, lang="en" if word in ENGLISH else None,
                       meant="yes" if word in ALSO_YES else None)
    if len(words) == 1 and words[0].upper() in YES | NO:
        return Command("yes" if words[0].upper() in YES else "no", text)
    match = KEYWORD.match(text)
    if match and match.group(1).upper() in COMMANDS:
        word = match.group(1).upper()
        rest = match.group(2).strip(PUNCTUATION)
        args = fields_of(rest) if COMMANDS[word] == "register" else tokens_of(rest)
        return Command(COMMANDS[word], text, args, "en" if word in ENGLISH else None)
    return Command("text", text)


def tokens_of(rest):
    """Words of the rest of a message, split on any separator, punctuation around them dropped."""
    return [t for t in (t.strip(PUNCTUATION) for t in SEPARATORS.split(rest)) if t]


def fields_of(rest):
    """DAFTAR's fields (NIK, name, job, place, then DTKS answer if given): split on # or *, else on
    commas, else on spaces (marked by a leading None)."""
    if not rest:
        return []
    for pattern in (r"[#*]", r","):
        if re.search(pattern, rest):
            parts = [p.strip() for p in re.split(pattern, rest)]
            parts = [p for p in parts if p]
            # `…#Manggar#DTKS`: a word after the place answers "on DTKS?" (a place is never one).
            dtks = [parts.pop()] if len(parts) > 4 and dtks_answer(parts[-1]) is not None else []
            # `NIK#Budi#Santoso#1#Manggar`: the name was split too; the last two are job and place.
            if len(parts) > 4:
                parts = [parts[0], " ".join(parts[1:-2]), parts[-2], parts[-1]]
            return parts + dtks
    return [None] + rest.split()


def dtks_answer(text, numbers=False):
    """True (on DTKS), False (not) or None (no answer) for `YA`, `TIDAK`, `Y`, `T`, `YES`, `NO`,
    `DTKS`, `BELUM` in any case and punctuation; with numbers, `1` (Ya) and `2` (Tidak) too."""
    word = re.sub(r"[^A-Z0-9]", "", (text or "").upper())
    if numbers and word in ("1", "2"):
        return word == "1"
    return True if word in DTKS_YES else False if word in DTKS_NO else None


def code_and_nik(tokens):
    """(reference code or None, NIK digits or None) from the words after CEK or BATAL."""
    bare = [t.replace("-", "").replace(".", "").upper() for t in tokens]
    digits = [b for b in bare if b.isdigit()]
    lettered = [b for b in bare if not b.isdigit()]
    if lettered:  # `K7P3-QX9M` or `K7P3 QX9M`
        return "".join(lettered)[:16], "".join(digits) or None
    # A code can (rarely) be all digits: an 8-digit word is the code when the rest make a NIK.
    for i, word in enumerate(bare):
        rest = "".join(b for j, b in enumerate(bare) if j != i)
        if len(word) == 8 and len(rest) in (0, 16):
            return word, rest or None
    return None, "".join(digits) or None
