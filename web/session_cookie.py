"""Flask's signed session cookie, without redoing on every request what a visitor's cookie did.

Flask builds a new serializer for each request and checks the cookie's signature afresh (key
derivation, two HMACs, base64, JSON): ~0.1 ms of a page view that itself costs ~1 ms. A visitor
sends the same cookie again and again until the session changes, so a cookie whose signature
was checked once is kept here with what it held; the next request with exactly that text gets a
copy. Its age is checked every time, as itsdangerous does, and anything not kept goes through
Flask's own code. Cookies are set, re-sent and expire exactly as with Flask's interface.
"""
import copy
import time

from flask.sessions import SecureCookieSessionInterface
from itsdangerous import BadSignature

LIMIT = 4096  # cookies kept per process; more, and all are dropped


class SessionInterface(SecureCookieSessionInterface):
    """`app.session_interface = SessionInterface()`: Flask's, with its serializer made once and
    checked cookies kept."""

    def __init__(self):
        self._serializers = {}
        self._checked = {}

    def get_signing_serializer(self, app):
        """Flask's serializer for app's current keys, made once per set of keys."""
        if not app.secret_key:
            return None
        keys = (*(app.config["SECRET_KEY_FALLBACKS"] or ()), app.secret_key)
        serializer = self._serializers.get(keys)
        if serializer is None:
            serializer = self._serializers[keys] = super().get_signing_serializer(app)
        return serializer

    def open_session(self, app, request):
        """The session the request's cookie holds: a kept cookie's copy, else Flask's check."""
        serializer = self.get_signing_serializer(app)
        if serializer is None:
            return None
        value = request.cookies.get(self.get_cookie_name(app))
        if not value:
            return self.session_class()
        max_age = int(app.permanent_session_lifetime.total_seconds())
        key = (id(serializer), value)
        kept = self._checked.get(key)
        # itsdangerous refuses a cookie older than max_age or from the future; so does this.
        if kept is not None and 0 <= int(time.time()) - kept[0] <= max_age:
            return self.session_class(copy.deepcopy(kept[1]))
        try:
            data, signed_at = serializer.loads(value, max_age=max_age, return_timestamp=True)
        except BadSignature:
            return self.session_class()
        if len(self._checked) >= LIMIT:
            self._checked.clear()
        self._checked[key] = (int(signed_at.timestamp()), copy.deepcopy(data))
        return self.session_class(data)
