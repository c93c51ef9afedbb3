"""The access log's lines are gunicorn's own, whatever the format, from web/gunicorn_log.py's
logger that gathers only the fields the format names."""
import datetime as dt
import runpy

import pytest
from gunicorn.config import Config
from gunicorn.glogging import Logger as GunicornLogger

from tests.live_server import ROOT
from web.gunicorn_log import Logger

CONFIGURED = runpy.run_path(str(ROOT / "gunicorn.conf.py"))["access_log_format"]
FORMATS = [
    CONFIGURED,
    '%(h)s %(l)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(B)s %(T)s %(D)s %(M)s',
    '%(h)s "%(r)s" %(s)s %(b)s "%(f)s" "%(a)s"',          # fields SIMPLE lacks: gunicorn's own
    '%(h)s %({user-agent}i)s %({content-type}o)s %(p)s',  # headers, the process
    "%(missing)s %(s)s",
]


class Response:
    """What gunicorn's worker hands the logger about a response."""

    def __init__(self, status, sent):
        self.status, self.sent = status, sent
        self.headers = [("Content-Type", "text/html; charset=utf-8"), ("Vary", "Cookie")]


class Request:
    """What gunicorn's worker hands the logger about a request."""

    headers = [("HOST", "127.0.0.1"), ("USER-AGENT", "Mozilla/5.0")]


ENVIRON = {"REMOTE_ADDR": "10.0.0.7", "REQUEST_METHOD": "POST", "RAW_URI": "/status?nik=1",
           "PATH_INFO": "/status", "QUERY_STRING": "nik=1", "SERVER_PROTOCOL": "HTTP/1.1",
           "HTTP_USER_AGENT": "Mozilla/5.0", "HTTP_REFERER": "http://x/daftar"}


def line(logger_class, log_format, response, took):
    """The access line logger_class writes for one request."""
    cfg = Config()
    cfg.set("access_log_format", log_format)
    logger = logger_class(cfg)
    logger.now = lambda: "[30/Nov/2026:11:00:00 +0000]"  # one clock for both
    atoms = logger.atoms_wrapper_class(logger.atoms(response, Request(), ENVIRON, took))
    return log_format % atoms


@pytest.mark.parametrize("log_format", FORMATS)
@pytest.mark.parametrize("response,took", [
    (Response("303 SEE OTHER", 0), dt.timedelta(microseconds=4_321)),
    (Response("200 OK", 10_234), dt.timedelta(seconds=2, microseconds=999_999)),
    (Response(404, None), dt.timedelta(0)),
])
def test_the_access_line_is_gunicorns_own(log_format, response, took):
    assert line(Logger, log_format, response, took) == line(GunicornLogger, log_format, response, took)


def test_the_configured_line_never_holds_the_query_string():
    assert "nik" not in line(Logger, CONFIGURED, Response("200 OK", 1), dt.timedelta(0))
