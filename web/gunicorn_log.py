"""gunicorn's logger, building each access-log line from only the fields its format names.

gunicorn gathers every field it knows for each request before formatting the line (the time,
every request and response header, a copy of the whole WSGI environ): ~20 µs a request, most of
it for fields gunicorn.conf.py's format never prints. The line itself is gunicorn's, unchanged.
"""
import functools
import re

from gunicorn import glogging

# The fields a format may name without a header or environ lookup, computed as gunicorn does.
SIMPLE = {
    "h": lambda self, resp, env, rt: env.get("REMOTE_ADDR", "-"),
    "l": lambda self, resp, env, rt: "-",
    "t": lambda self, resp, env, rt: self.now(),
    "s": lambda self, resp, env, rt: (resp.status.split(None, 1)[0]
                                      if isinstance(resp.status, str) else resp.status),
    "m": lambda self, resp, env, rt: env.get("REQUEST_METHOD"),
    "U": lambda self, resp, env, rt: env.get("PATH_INFO"),
    "H": lambda self, resp, env, rt: env.get("SERVER_PROTOCOL"),
    "B": lambda self, resp, env, rt: getattr(resp, "sent", None),
    "T": lambda self, resp, env, rt: rt.seconds,
    "D": lambda self, resp, env, rt: rt.seconds * 1000000 + rt.microseconds,
    "M": lambda self, resp, env, rt: rt.seconds * 1000 + int(rt.microseconds / 1000),
}
_FIELD = re.compile(r"%\(([^)]*)\)")


@functools.lru_cache(maxsize=8)
def fields(log_format):
    """The fields log_format names, when SIMPLE has them all; else None."""
    names = frozenset(_FIELD.findall(log_format))
    return names if names <= SIMPLE.keys() else None


class Logger(glogging.Logger):
    """`logger_class = "web.gunicorn_log.Logger"` (gunicorn.conf.py)."""

    def atoms(self, resp, req, environ, request_time):
        """gunicorn's fields for the access line: only those the format names, when all of them
        are in SIMPLE; otherwise every field, by gunicorn itself."""
        names = fields(self.cfg.access_log_format)
        if names is None:
            return super().atoms(resp, req, environ, request_time)
        return {name: SIMPLE[name](self, resp, environ, request_time) for name in names}
