"""gunicorn's threaded worker, answering the requests gunicorn itself refuses with our own page.

A request line or headers beyond gunicorn's limits never reach the app, so gunicorn answered with
its own English HTML. This worker renders templates/error.html (Indonesian) for those instead.
"""
from flask import render_template
from flask_babel import lazy_gettext as _l
from gunicorn import util
from gunicorn.http.errors import (
    InvalidHeader,
    InvalidHeaderName,
    InvalidHTTPVersion,
    InvalidRequestLine,
    InvalidRequestMethod,
    LimitRequestHeaders,
    LimitRequestLine,
)
from gunicorn.workers.gthread import ThreadWorker

# (what gunicorn raised, our status, its reason phrase, what the page says)
REFUSALS = (
    (LimitRequestLine, 414, "URI Too Long",
     _l("Alamat halaman terlalu panjang. Kembali ke halaman utama lalu coba lagi.")),
    (LimitRequestHeaders, 431, "Request Header Fields Too Large",
     _l("Permintaan terlalu besar. Hapus cookie situs ini di peramban Anda lalu coba lagi.")),
    ((InvalidRequestLine, InvalidRequestMethod, InvalidHTTPVersion, InvalidHeader,
      InvalidHeaderName), 400, "Bad Request",
     _l("Permintaan tidak dapat dibaca. Muat ulang halaman lalu coba lagi.")),
)


class Worker(ThreadWorker):
    """`worker_class = "web.gunicorn_worker.Worker"` (gunicorn.conf.py)."""

    pages = {}

    def handle_error(self, req, client, addr, exc):
        """Our page for a request gunicorn refused while reading it; gunicorn's answer otherwise."""
        refusal = next((r for r in REFUSALS if isinstance(exc, r[0])), None)
        if refusal is None:
            return super().handle_error(req, client, addr, exc)
        # The class only: gunicorn's own message quotes the request line (a query may hold a NIK).
        self.log.warning("refused a request from %s: %s", (addr or ("",))[0], type(exc).__name__)
        try:
            util.write_nonblock(client, self.page(*refusal[1:]))
        except Exception:  # noqa: BLE001 - the client left; nothing more to say
            self.log.debug("could not send the error page")

    def page(self, status, reason, text):
        """The whole HTTP response for status, rendered once per worker."""
        if status not in self.pages:
            with self.wsgi.test_request_context("/"):
                body = render_template("error.html", code=status, text=text).encode()
            head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\n"
                    "Content-Type: text/html; charset=utf-8\r\n"
                    f"Content-Length: {len(body)}\r\n\r\n").encode()
            self.pages[status] = head + body
        return self.pages[status]
