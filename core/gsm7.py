"""The GSM-7 alphabet: which characters a plain SMS carries, and how many of its 160 a text takes.

The core checks what it stores for SMS against it (a pool's SMS name); sms/gsm.py builds on it.
"""
SMS_LIMIT = 160
BASIC = frozenset(
    "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?"
    "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà"
)
# These take an escape character plus the character: two of the 160.
EXTENDED = frozenset("^{}\\[~]|€\f")


def gsm7_length(text):
    """Septets text takes in GSM-7, or None when one character forces UCS-2."""
    length = 0
    for ch in text:
        if ch in BASIC:
            length += 1
        elif ch in EXTENDED:
            length += 2
        else:
            return None
    return length
