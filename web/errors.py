"""Friendly error pages: no input ever shows a stack trace or a bare 500."""
import logging
import traceback

from flask import render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException

log = logging.getLogger(__name__)

TEXTS = {
    400: _l("Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi."),
    403: _l("Anda tidak boleh membuka halaman ini."),
    404: _l("Halaman tidak ditemukan."),
    405: _l("Halaman tidak ditemukan."),
    413: _l("Data yang dikirim terlalu besar."),
    429: _l("Terlalu banyak percobaan. Tunggu sebentar lalu coba lagi."),
    500: _l("Maaf, ada gangguan. Data Anda belum tersimpan. Coba lagi sebentar lagi."),
}
CSRF_TEXT = _l("Formulir sudah kedaluwarsa. Muat ulang halaman, isi lagi, lalu kirim.")


def render_error(code, text):
    """The error page, or just its text for an htmx request."""
    if getattr(request, "htmx", False):
        return f"{text}", code, {"Content-Type": "text/plain; charset=utf-8"}
    return render_template("error.html", code=code, text=text), code


def register(app):
    """Attach the handlers."""

    @app.errorhandler(CSRFError)
    def _csrf(error):
        return render_error(400, CSRF_TEXT)

    @app.errorhandler(HTTPException)
    def _http(error):
        return render_error(error.code, TEXTS.get(error.code, error.description))

    @app.errorhandler(Exception)
    def _unexpected(error):
        # Type, path and stack only: the message itself may quote a NIK, a name or a phone.
        log.error("unhandled %s on %s %s\n%s", type(error).__name__, request.method,
                  request.path, "".join(traceback.format_tb(error.__traceback__)))
        return render_error(500, TEXTS[500])
