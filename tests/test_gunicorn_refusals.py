"""What gunicorn refuses before the app sees it (long URI, too many or too big headers) gets our
Indonesian page from the production server configuration, and its log never quotes the request."""
import socket
from pathlib import Path

import pytest

from tests.live_server import LiveServer, prepare_database

pytestmark = pytest.mark.slow
NIK = "6471011203850042"


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """gunicorn with gunicorn.conf.py and two workers on a migrated SQLite file."""
    url = f"sqlite:///{tmp_path_factory.mktemp('refusals') / 'jaring.sqlite3'}"
    prepare_database(url)
    with LiveServer(url, workers=2) as live:
        yield live


def raw(server, request):
    """Send request bytes as they are; (status code, headers text, body text)."""
    with socket.create_connection(("127.0.0.1", server.port), timeout=30) as s:
        s.sendall(request)
        data = b""
        while chunk := s.recv(65536):
            data += chunk
    head, _, body = data.partition(b"\r\n\r\n")
    return int(head.split()[1]), head.decode("latin-1"), body.decode("utf-8")


def get(path, headers=()):
    lines = [f"GET {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close", *headers, "", ""]
    return "\r\n".join(lines).encode("latin-1")


@pytest.mark.parametrize("request_bytes, status, words", [
    (get("/status?nik=" + NIK + "&x=" + "a" * 5000), 414, "Alamat halaman terlalu panjang"),
    (get("/?" + "a" * 20000), 414, "Alamat halaman terlalu panjang"),
    (get("/", [f"X-H{i}: {i}" for i in range(150)]), 431, "Permintaan terlalu besar"),
    (get("/", ["Cookie: session=" + "b" * 9000]), 431, "Permintaan terlalu besar"),
    (b"GET /\x01 HTTP/1.1\r\nHost: x\r\n\r\n", 400, "Permintaan tidak dapat dibaca"),
])
def test_gunicorns_refusals_are_our_indonesian_page(server, request_bytes, status, words):
    code, head, body = raw(server, request_bytes)
    assert code == status and "charset=utf-8" in head
    assert words in body and 'lang="id"' in body and "Bad Request" not in body
    assert "Kembali ke halaman utama" in body


def test_a_refused_request_line_is_not_quoted_in_the_server_log(server):
    raw(server, get("/status?nik=" + NIK + "&x=" + "a" * 5000))
    raw(server, get("/", [f"X-H{i}: {NIK}" for i in range(150)]))
    log = Path(server.log.name).read_text()
    assert "LimitRequestLine" in log and NIK not in log


def test_an_ordinary_request_still_works(server):
    code, _, body = raw(server, get("/"))
    assert code == 200 and "<html" in body
