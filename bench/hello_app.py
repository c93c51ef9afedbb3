"""WSGI entry points for the benchmark: the real app plus /hello, and a bare Flask hello app."""
from flask import Flask
from flask.sessions import SecureCookieSessionInterface

import app as jaring

# What create_app(without=...) can leave out, by the request hooks' names (bench/bench_baseline.py).
PIECES = {
    "csrf": ("csrf_protect",),
    "limiter": ("Limiter",),
    "nul-check": ("_refuse_nul",),
    "db-connect": ("_connect", "_close"),
    "compression": ("_compress",),
    "security-headers": ("_headers",),
}


class NoSession(SecureCookieSessionInterface):
    """No session read or written (the cookie the client sends is ignored)."""

    def open_session(self, app, request):
        return self.make_null_session(app)

    def save_session(self, app, session, response):
        return None


def hello():
    """The cheapest possible answer."""
    return "hello"


def create_app(without=""):
    """The production app (every hook, header and extension) with one extra route, /hello;
    without: comma-separated PIECES (or "session") left out, to see what each costs."""
    application = jaring.create_app()
    application.add_url_rule("/hello", "hello", hello)
    names = [n for piece in filter(None, without.split(",")) for n in PIECES.get(piece, ())]
    for hooks in (application.before_request_funcs, application.after_request_funcs,
                  application.teardown_request_funcs):
        for key, funcs in hooks.items():
            hooks[key] = [f for f in funcs
                          if not any(n in repr(getattr(f, "__qualname__", f)) for n in names)]
    if "session" in without.split(","):
        application.session_interface = NoSession()
    return application


def create_bare_app():
    """A bare Flask app with only /hello: the design's yardstick for registration throughput."""
    application = Flask(__name__)
    application.add_url_rule("/hello", "hello", hello)
    return application
