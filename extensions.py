"""Flask extensions made once and bound to the app in create_app()."""
from flask import current_app, request
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_wtf.csrf import CSRFProtect

from web import limit_store  # noqa: F401 - registers the sqlite:// rate-limit storage with `limits`


class CsrfProtect(CSRFProtect):
    """Flask-WTF's CSRF check, asking first whether the method needs one: its own protect()
    looks up the view's exemption before the method, on every page view."""

    def protect(self, apply_exemptions=False):
        """Nothing for GET, HEAD, OPTIONS (outside WTF_CSRF_METHODS); else Flask-WTF's check."""
        if request.method not in current_app.config["WTF_CSRF_METHODS"]:
            return
        super().protect(apply_exemptions)


csrf = CsrfProtect()
limiter = Limiter(get_remote_address, default_limits=[])
