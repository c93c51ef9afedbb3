"""Public pages from shells and per-process menus: the same answer as a full render, each
language its own words, a CSRF token per session, and every change to regions, occupations,
program years or pools — made by another process — on the very next view."""
import http.client
import os
import re
import subprocess
import sys

import pytest

from models import db
from tests.conftest import make_app
from tests.live_server import ROOT, LiveServer
from web.forms import reference_now

HX = {"HX-Request": "true", "HX-Current-URL": "http://localhost/daftar"}
TOKEN = re.compile(r'name="csrf_token" value="([^"]*)"')

# Every page a shell serves, and the neighbours that share its templates.
PAGES = [
    ("/", {}), ("/daftar", {}), ("/daftar?kabupaten=64.71", {}), ("/daftar?kabupaten=64.72", {}),
    ("/daftar?kabupaten=64.71.01", {}), ("/daftar?kabupaten=nonsense", {}),
    ("/daftar/kelurahan?kabupaten=64.72", HX), ("/daftar/kelurahan?kabupaten=64.72", {}),
    ("/daftar/kelurahan", HX), ("/status", {}), ("/", HX), ("/daftar", HX),
]


def answer(client, path, headers=None, lang="id"):
    """(status, headers but the date, body with the CSRF token blanked), as a reader sees them."""
    client.set_cookie("lang", lang)
    response = client.get(path, headers=headers or {})
    headers = sorted((k, v) for k, v in response.headers.items() if k not in ("Date", "Set-Cookie"))
    cookies = sorted(c.split("=")[0] for c in response.headers.getlist("Set-Cookie"))
    return response.status_code, headers, cookies, TOKEN.sub("TOKEN", response.get_data(as_text=True))


def other_process(url, *command):
    """Run a `flask` command, or one SQL statement (`sql`, text) on the SQLite file, in a child."""
    if command[0] == "sql":
        script = "import sqlite3, sys; c = sqlite3.connect(sys.argv[1]); c.execute(sys.argv[2]); c.commit()"
        argv = [sys.executable, "-c", script, url.split("///", 1)[1], command[1]]
    else:
        argv = [sys.executable, "-m", "flask", *command]
    env = dict(os.environ, DATABASE_URL=url, FLASK_APP="app", SECRET_KEY="test")
    subprocess.run(argv, cwd=ROOT, env=env, check=True, capture_output=True, timeout=120)


@pytest.mark.parametrize("lang", ["id", "en"])
@pytest.mark.parametrize("fresh", [True, False], ids=["first-visit", "returning"])
def test_a_page_from_its_shell_is_the_page_rendered_in_full(sqlite_url, lang, fresh):
    full = make_app(sqlite_url, PAGE_SHELLS=False).test_client()
    shell = make_app(sqlite_url).test_client()

    def visit(client, path, headers):
        if fresh:
            client.delete_cookie("session")
        else:  # a session already there: no new cookie is set
            client.get("/status")
        return answer(client, path, headers, lang)

    for path, headers in PAGES:
        expected = visit(full, path, headers)
        assert visit(shell, path, headers) == expected, path  # made the shell
        assert visit(shell, path, headers) == expected, path  # served from it
    db.close()


def test_each_language_gets_its_own_words(sqlite_url):
    client = make_app(sqlite_url).test_client()
    for _ in range(2):
        for path, headers in PAGES:
            indonesian = answer(client, path, headers, "id")[3]
            english = answer(client, path, headers, "en")[3]
            if "<html" in indonesian:
                assert '<html lang="id">' in indonesian and '<html lang="en">' in english
            if "daftar" in path:
                assert "Kelurahan tempat tinggal" in indonesian
                assert "Kelurahan tempat tinggal" not in english
    assert "Cek status" in answer(client, "/daftar")[3]
    assert "Cek status" not in answer(client, "/daftar", lang="en")[3]
    assert ">Pengemudi ojek online<" in answer(client, "/daftar")[3]  # occupations, each language
    assert ">Ride-hailing driver<" in answer(client, "/daftar", lang="en")[3]
    db.close()


@pytest.mark.parametrize("path", ["/daftar", "/daftar?kabupaten=64.71", "/status"])
def test_the_csrf_token_is_the_sessions_own_and_never_kept_in_a_shell(sqlite_url, path):
    app = make_app(sqlite_url, WTF_CSRF_ENABLED=True)
    first, second = app.test_client(), app.test_client()
    tokens = [TOKEN.findall(c.get(path).get_data(as_text=True)) for c in (first, second, first)]
    assert all(len(t) >= 1 and all(t) for t in tokens)
    assert tokens[0][0] != tokens[1][0]  # another session, another token
    assert "\x02" not in first.get(path).get_data(as_text=True)  # no hole left unfilled
    kept = "".join(p for pieces in app.extensions["jaring_shells"].values() for p in pieces)
    assert kept and not any(t in kept for found in tokens for t in found)
    # Each session's token works in its own session, and not in the other's.
    form = {"nik": "6471011203850001", "ref": "XXXX-XXXX"}
    assert first.post("/status", data=dict(form, csrf_token=tokens[2][0])).status_code == 422
    assert second.post("/status", data=dict(form, csrf_token=tokens[0][0])).status_code == 400
    db.close()


# (change made by another process, page, language, text, whether the page shows it after)
CHANGES = [
    (("sql", "UPDATE region SET name = 'KOTA MINYAK' WHERE code = '64.71'"), "/daftar", "id",
     ">KOTA MINYAK<", True),
    (("sql", "UPDATE region SET name = 'KOTA MINYAK' WHERE code = '64.71'"), "/daftar", "en",
     ">KOTA MINYAK<", True),
    (("sql", "UPDATE region SET name = 'Manggar Lama' WHERE code = '64.71.01.1001'"),
     "/daftar?kabupaten=64.71", "id", ">Manggar Lama<", True),
    (("sql", "UPDATE region SET name = 'Manggar Lama' WHERE code = '64.71.01.1001'"),
     "/daftar/kelurahan?kabupaten=64.71", "en", ">Manggar Lama<", True),
    (("sql", "UPDATE region SET name = 'Kecamatan Pantai' WHERE code = '64.71.01'"),
     "/daftar/kelurahan?kabupaten=64.71", "id", 'label="Kecamatan Pantai"', True),
    (("sql", "INSERT INTO region (code, level, name, parent) "
             "VALUES ('64.71.01.1999', 'village', 'Teluk Baru', '64.71.01')"),
     "/daftar?kabupaten=64.71", "id", 'value="64.71.01.1999"', True),
    (("sql", "DELETE FROM region WHERE code = '64.71.01.1001'"),
     "/daftar/kelurahan?kabupaten=64.71", "id", 'value="64.71.01.1001"', False),
    (("sql", "UPDATE occupation SET name_id = 'Pengemudi ojol' WHERE code = 'ojol'"),
     "/daftar", "id", ">Pengemudi ojol<", True),
    (("sql", "UPDATE occupation SET name_en = 'Online rider' WHERE code = 'ojol'"),
     "/daftar", "en", ">Online rider<", True),
    (("sql", "INSERT INTO occupation (code, name_id, name_en, agency, position) "
             "VALUES ('penjahit', 'Penjahit', 'Tailor', 'disnaker', 99)"),
     "/daftar?kabupaten=64.72", "en", ">Tailor<", True),
    (("year", "close"), "/daftar", "id", "Pendaftaran sedang ditutup.", True),
    (("year", "close"), "/", "en", 'id="cta"', False),
    (("sql", "UPDATE programyear SET closes_on = '2099-11-30'"), "/", "id",
     "Pendaftaran dibuka sampai 30 November 2099.", True),
    (("pool", "close", "kota-balikpapan"), "/", "id", "Kota Balikpapan (ditutup)", True),
    (("pool", "set-capacity", "kota-balikpapan", "7200"), "/", "id", "7.200 dari 7.200", True),
    (("pool", "edit", "prov-kaltim", "--name", "Kuota Benua Etam"), "/", "en", "Benua Etam", True),
    (("sql", "UPDATE pool SET held = 41 WHERE code = 'prov-kaltim'"), "/", "id",
     "11.959 dari 12.000", True),
]


@pytest.mark.parametrize("change, path, lang, text, shown", CHANGES)
def test_a_change_by_another_process_shows_on_the_next_view(sqlite_url, change, path, lang,
                                                            text, shown):
    client = make_app(sqlite_url).test_client()
    headers = HX if "/kelurahan" in path else {}
    for language in ("id", "en", lang):  # shells and menus made for both languages
        assert (text in answer(client, path, headers, language)[3]) is not shown
    other_process(sqlite_url, *change)
    assert (text in answer(client, path, headers, lang)[3]) is shown
    db.close()


def test_every_gunicorn_worker_sees_a_change_made_by_the_cli(sqlite_url):
    make_app(sqlite_url)  # migrated and seeded
    db.close()
    with LiveServer(sqlite_url, workers=2, threads=2) as server:
        # Eight kept-alive connections, spread over both workers by the kernel.
        connections = [http.client.HTTPConnection("127.0.0.1", server.port, timeout=30)
                       for _ in range(8)]

        def page(conn, path):
            try:
                conn.request("GET", path)
                return conn.getresponse().read().decode()
            except (http.client.RemoteDisconnected, ConnectionResetError):
                conn.close()  # idle past gunicorn's keep-alive: connect again
                conn.request("GET", path)
                return conn.getresponse().read().decode()

        for conn in connections * 3:  # every worker has made its shells and read its menus
            assert ">Pengemudi ojek online<" in page(conn, "/daftar")
            assert "Kota Balikpapan (ditutup)" not in page(conn, "/")
        other_process(sqlite_url, "sql", "UPDATE occupation SET name_id = 'Ojol' WHERE code = 'ojol'")
        other_process(sqlite_url, "pool", "close", "kota-balikpapan")
        for conn in connections * 3:
            assert ">Ojol<" in page(conn, "/daftar")
            assert "Kota Balikpapan (ditutup)" in page(conn, "/")
        for conn in connections:
            conn.close()


@pytest.mark.parametrize("statement, moves", [
    ("UPDATE region SET name = name || 'x' WHERE code = '64.72'", True),
    ("UPDATE region SET name = name || 'x' WHERE code = '64.71.01.1001'", True),
    ("UPDATE occupation SET position = position + 100 WHERE code = 'ojol'", True),
    ("UPDATE programyear SET opens_on = '2020-09-01'", True),
    ("UPDATE pool SET is_open = false WHERE code = 'prov-kaltim'", True),
    ("UPDATE pool SET held = held + 1", False),  # a registration: the form shells stay
])
def test_a_page_sees_a_change_by_another_connection_at_once(core_app, database_url, statement,
                                                            moves):
    before = reference_now()
    assert reference_now() is before  # nothing changed: the same snapshot, no reload
    # Another connection: on PostgreSQL another session, on SQLite another process.
    if database_url.startswith("sqlite"):
        other_process(database_url, "sql", statement)
    else:
        import psycopg2

        other = psycopg2.connect(database_url)
        with other:  # commits
            other.cursor().execute(statement)
        other.close()
    # At once, not after refcache.FRESH_SECONDS: a page checks the generation on every view.
    assert (reference_now().generation != before.generation) is moves
