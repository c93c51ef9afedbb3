"""The upload flow every staff import shares (staff/uploads.py): the KPJ and the DTKS page alike."""
import html
import io
import re
import threading
import zipfile

import pytest
from openpyxl import Workbook

from config import SettingError
from models import AuditEvent, DtksNik, Registration
from ops.tabular import NIK_HEADERS, ImportFileError, rows_below_header
from staff.uploads import FORM_ROOM
from tests.conftest import make_app
from tests.factories import make_nik
from tests.staff_support import admin, logged_in, registered, staff_app, text, uploads  # noqa: F401

# name: (a file with something to apply, a file with nothing to apply, its status, what is applied)
IMPORTS = {
    "kpj": (f"NIK,No KPJ\n{make_nik(1)},26000000001\n", f"NIK,No KPJ\n{make_nik(77)},26000000077\n",
            200, lambda: Registration.get(Registration.nik == make_nik(1)).status == "enrolled"),
    "dtks": (f"No,NIK\n1,{make_nik(1)}\n", "No,NIK\n1,12345\n",
             422, lambda: [n.nik for n in DtksNik.select()] == [make_nik(1)]),
}
TOKEN = re.compile(r'name="token" value="([0-9a-f]{32})"')


@pytest.fixture(autouse=True)
def approved(staff_app):
    """The registration both files name."""
    return registered(1, "approved")


def upload(client, name, body, filename="berkas.csv"):
    data = body.encode() if isinstance(body, str) else body
    return client.post(f"/staff/{name}", data={"file": (io.BytesIO(data), filename)},
                       content_type="multipart/form-data")


def stored(uploads):
    return sorted(p.name for p in uploads.iterdir()) if uploads.exists() else []


@pytest.mark.parametrize("name", IMPORTS)
def test_a_checked_file_waits_under_its_token_and_applies_once(admin, uploads, name):
    good, _, _, applied = IMPORTS[name]
    page = upload(admin, name, good)
    assert page.status_code == 200 and "belum ada yang diubah" in text(page)
    token = TOKEN.search(text(page)).group(1)
    [waiting] = list(uploads.iterdir())
    assert waiting.name == f"{token}.{name}" and waiting.stat().st_mode & 0o777 == 0o600
    assert not applied()
    done = admin.post(f"/staff/{name}/terapkan", data={"token": token})
    assert done.status_code == 200 and "Hasil penerapan" in text(done) and applied()
    assert stored(uploads) == []
    again = admin.post(f"/staff/{name}/terapkan", data={"token": token})
    assert again.status_code == 422 and "sudah diterapkan atau sudah kedaluwarsa" in text(again)


@pytest.mark.parametrize("name", IMPORTS)
def test_a_file_with_nothing_to_apply_is_not_kept(admin, uploads, name):
    _, nothing, status, applied = IMPORTS[name]
    page = upload(admin, name, nothing)
    assert page.status_code == status and "belum ada yang diubah" in text(page)
    assert not TOKEN.search(text(page)) and stored(uploads) == [] and not applied()


@pytest.mark.parametrize("name", IMPORTS)
@pytest.mark.parametrize("body, filename, status, message", [
    (None, None, 422, "Pilih berkas CSV atau XLSX"),
    (b"", "", 422, "Pilih berkas CSV atau XLSX"),
    (b"\xff\xfe\x00garbage\x00", "x.csv", 422, "Berkas tidak dapat dibaca"),
    (b"PK\x03\x04not really a zip", "x.xlsx", 422, "Berkas tidak dapat dibaca"),
    (b"nama,alamat\nBudi,Jl. Mawar\n", "x.csv", 422, "kolom NIK"),
])
def test_a_file_that_cannot_be_used_gets_a_clear_message_and_is_not_kept(admin, uploads, name, body,
                                                                         filename, status, message):
    if body is None:
        response = admin.post(f"/staff/{name}", data={}, content_type="multipart/form-data")
    else:
        response = upload(admin, name, body, filename)
    assert response.status_code == status and message in text(response)
    assert 'class="has-error"' in text(response) and stored(uploads) == []


def broken_xlsx(sheet_xml):
    """An XLSX of a NIK and a KPJ column whose first sheet is what sheet_xml makes of it (None: none)."""
    book = Workbook()
    book.active.append(["NIK", "No KPJ"])
    for n in range(1, 4):
        book.active.append([make_nik(n), f"2600000000{n}"])
    whole = io.BytesIO()
    book.save(whole)
    source, out = zipfile.ZipFile(whole), io.BytesIO()
    with zipfile.ZipFile(out, "w") as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = sheet_xml(data)
            if data is not None:
                target.writestr(item.filename, data)
    return out.getvalue()


# Workbooks that open but break while their rows are read: (what is wrong, how the sheet is made).
BROKEN_SHEETS = [
    ("the sheet is missing", lambda xml: None),
    ("the sheet ends after its header", lambda xml: xml[:xml.index(b'<row r="3"')]),
    ("a cell's reference is not a cell", lambda xml: xml.replace(b'r="A2"', b'r="A?"')),
]


@pytest.mark.parametrize("name", IMPORTS)
@pytest.mark.parametrize("what, sheet_xml", BROKEN_SHEETS, ids=[w for w, _ in BROKEN_SHEETS])
def test_a_workbook_that_breaks_while_read_is_refused_clearly(admin, uploads, name, what, sheet_xml):
    response = upload(admin, name, broken_xlsx(sheet_xml), "berkas.xlsx")
    assert response.status_code == 422 and "Berkas tidak dapat dibaca" in text(response)
    assert stored(uploads) == [] and not IMPORTS[name][3]()


@pytest.mark.parametrize("name", IMPORTS)
@pytest.mark.parametrize("token", ["", "../jaring.sqlite3", "A" * 32, "0" * 32, "%s.kpj", "%s/../%s"])
def test_a_token_that_names_no_waiting_file_is_refused_and_the_waiting_file_stays(admin, uploads, name,
                                                                                   token):
    good, _, _, applied = IMPORTS[name]
    real = TOKEN.search(text(upload(admin, name, good))).group(1)
    response = admin.post(f"/staff/{name}/terapkan", data={"token": token.replace("%s", real)})
    assert response.status_code == 422 and "Unggah lagi" in text(response)
    assert stored(uploads) == [f"{real}.{name}"] and not applied()


@pytest.mark.parametrize("checked, applied_on", [("kpj", "dtks"), ("dtks", "kpj")])
def test_a_token_applies_only_on_the_page_that_checked_its_file(admin, uploads, checked, applied_on):
    # A KPJ file has a NIK column too: applied as a DTKS list it would replace the year's list.
    good, _, _, applied = IMPORTS[checked]
    token = TOKEN.search(text(upload(admin, checked, good))).group(1)
    wrong = admin.post(f"/staff/{applied_on}/terapkan", data={"token": token})
    assert wrong.status_code == 422 and "Unggah lagi" in text(wrong)
    assert DtksNik.select().count() == 0 and not IMPORTS[applied_on][3]()
    assert not AuditEvent.select().where(AuditEvent.action.in_(["enroll", "dtks_import"])).exists()
    right = admin.post(f"/staff/{checked}/terapkan", data={"token": token})
    assert right.status_code == 200 and applied() and stored(uploads) == []


@pytest.mark.parametrize("name", IMPORTS)
def test_of_two_applies_of_one_file_at_once_one_applies(staff_app, uploads, name):
    staff_app.config["KPJ_UPLOAD_DIR"] = str(uploads)
    good, _, _, applied = IMPORTS[name]
    clients = [logged_in(staff_app, f"admin{i}", "admin") for i in range(2)]
    token = TOKEN.search(text(upload(clients[0], name, good))).group(1)
    start, statuses = threading.Barrier(2), []

    def click(client):
        start.wait()
        statuses.append(client.post(f"/staff/{name}/terapkan", data={"token": token}).status_code)

    threads = [threading.Thread(target=click, args=(c,)) for c in clients]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(statuses) == [200, 422] and applied() and stored(uploads) == []
    action = {"kpj": "enroll", "dtks": "dtks_import"}[name]
    assert AuditEvent.select().where(AuditEvent.action == action).count() == 1


KPJ_HEADERS = {"kpj", "no kpj"}


@pytest.mark.parametrize("content, wanted, rows", [
    ("NIK,KPJ\n1,2\n", {"NIK": NIK_HEADERS, "KPJ": KPJ_HEADERS}, [(2, ["1", "2"])]),
    ("Daftar peserta\n\nNo.,NIK_Peserta,No. KPJ\n1,11,22\n", {"NIK": NIK_HEADERS, "KPJ": KPJ_HEADERS},
     [(4, ["11", "22"])]),
    ("KPJ;Nama;NOMOR  KTP\n5;Budi;6\n", {"NIK": NIK_HEADERS, "KPJ": KPJ_HEADERS}, [(2, ["6", "5"])]),
    ("NIK,Nama\n7\n", {"NIK": NIK_HEADERS}, [(2, ["7"])]),
    ("NIK,Nama\n,Budi\n", {"NIK": NIK_HEADERS}, [(2, [""])]),
    ("\n" * 9 + "NIK\n8\n", {"NIK": NIK_HEADERS}, [(11, ["8"])]),
])
def test_the_header_row_is_found_by_its_folded_names(content, wanted, rows):
    found = [(line, values) for line, values, _ in rows_below_header(io.BytesIO(content.encode()), wanted)]
    assert found == rows


@pytest.mark.parametrize("content, wanted, message", [
    ("\n" * 10 + "NIK\n8\n", {"NIK": NIK_HEADERS}, "no header row with a NIK column"),
    ("NIK,Nama\n1,Budi\n", {"NIK": NIK_HEADERS, "KPJ": KPJ_HEADERS}, "no header row with a NIK and a KPJ column"),
    ("", {"NIK": NIK_HEADERS}, "no header row with a NIK column"),
])
def test_a_table_without_the_header_within_ten_rows_is_refused(content, wanted, message):
    with pytest.raises(ImportFileError, match=message):
        list(rows_below_header(io.BytesIO(content.encode()), wanted))


# --- size: an import file may be IMPORT_MAX_BYTES, every other request MAX_CONTENT_LENGTH ---------

MIB = 1024 * 1024
LIMIT = 3 * MIB // 2  # IMPORT_MAX_BYTES in these tests: above the app's 1 MiB, quick to read
# What each import says of a file over its limit, and what it must never say.
TOO_LARGE = {"kpj": ("Berkas terlalu besar (paling banyak 1,5 MB, sekitar 45.000 baris). Pecah "
                     "berkasnya dan unggah satu per satu.", "import-dtks"),
             "dtks": ("Berkas terlalu besar (paling banyak 1,5 MB). Daftar DTKS mengganti seluruh "
                      "daftar tahun ini, jadi jangan dipecah: minta pengelola server mengimpornya "
                      "dengan perintah flask --app app import-dtks.", "Pecah")}


def sized(name, size):
    """A real file of exactly size bytes: the import's good file, more valid rows, blank lines."""
    row = {"kpj": lambda n: f"{make_nik(n)},{26000000000 + n}\n",
           "dtks": lambda n: f"{n},{make_nik(n)}\n"}[name]
    parts, length, n = [IMPORTS[name][0]], len(IMPORTS[name][0]), 2
    while length + len(row(n)) <= size:
        parts.append(row(n))
        length, n = length + len(row(n)), n + 1
    data = ("".join(parts) + "\n" * (size - length)).encode()
    assert len(data) == size
    return data


@pytest.fixture
def limited(admin, staff_app):
    """An admin's browser on an app whose imports take LIMIT bytes."""
    staff_app.config["IMPORT_MAX_BYTES"] = LIMIT
    return admin


@pytest.mark.parametrize("name", IMPORTS)
@pytest.mark.parametrize("size, status", [
    (MIB + 1, 200),  # over every other route's limit
    (LIMIT, 200),
    (LIMIT + 1, 413),  # the form still fits its room: the stored file is measured
    (LIMIT + FORM_ROOM + 1, 413),  # the body is over the request's limit: never read whole
    (4 * LIMIT, 413),
])
def test_an_import_file_may_be_import_max_bytes_and_not_a_byte_more(limited, uploads, name, size,
                                                                     status):
    response = upload(limited, name, sized(name, size))
    page = text(response)
    assert response.status_code == status, page[:2000]
    if status == 200:
        assert "belum ada yang diubah" in page and TOKEN.search(page)
        assert stored(uploads) == [f"{TOKEN.search(page).group(1)}.{name}"]
    else:
        words, never = TOO_LARGE[name]
        assert words in page and never not in page
        assert stored(uploads) == [] and not IMPORTS[name][3]()
        assert not AuditEvent.select().where(AuditEvent.action.in_(["enroll", "dtks_import"])).exists()


@pytest.mark.parametrize("name, words", [
    ("kpj", "The file is too large (at most 1.5 MB, about 45.000 rows). Split it and upload the parts"),
    ("dtks", "The file is too large (at most 1.5 MB). A DTKS list replaces this year's whole list, so "
             "do not split it: ask the server's administrator to import it with the command flask "
             "--app app import-dtks."),
])
@pytest.mark.parametrize("over", [1, FORM_ROOM + 1])
def test_a_file_too_large_is_refused_in_english_too(limited, uploads, name, words, over):
    limited.get("/bahasa/en")
    response = upload(limited, name, sized(name, LIMIT + over))
    assert response.status_code == 413 and words in html.unescape(text(response))
    assert stored(uploads) == []


@pytest.mark.parametrize("who, url, size, status", [
    # The import pages themselves, for anyone but a province-wide admin: the app's 1 MiB.
    ("nobody", "/staff/dtks", MIB - 1024, 303),
    ("nobody", "/staff/dtks", MIB + 1, 413),
    ("nobody", "/staff/kpj", MIB + 1, 413),
    ("regency admin", "/staff/dtks", MIB - 1024, 403),
    ("regency admin", "/staff/dtks", MIB + 1, 413),
    ("operator", "/staff/kpj", MIB + 1, 413),
    # The admin on every other route, applying a checked file included.
    ("admin", "/staff/dtks/terapkan", MIB - 1024, 422),
    ("admin", "/staff/dtks/terapkan", MIB + 1, 413),
    ("admin", "/staff/kpj/terapkan", MIB + 1, 413),
    ("admin", "/staff/tahun", MIB + 1, 413),
    ("admin", "/daftar", MIB + 1, 413),
    ("nobody", "/daftar", MIB + 1, 413),
])
def test_every_other_request_keeps_the_small_limit(staff_app, uploads, who, url, size, status):
    staff_app.config.update(IMPORT_MAX_BYTES=LIMIT, KPJ_UPLOAD_DIR=str(uploads))
    client = {"nobody": lambda: staff_app.test_client(),
              "admin": lambda: logged_in(staff_app, "ana", "admin"),
              "regency admin": lambda: logged_in(staff_app, "rina", "admin", region="64.72"),
              "operator": lambda: logged_in(staff_app, "siti", "operator", kelurahan="64.71.01.1001"),
              }[who]()
    response = upload(client, url.removeprefix("/staff/"), sized("dtks", size)) if url.startswith(
        "/staff/") else client.post(url, data={"name": "x" * size})
    assert response.status_code == status
    if status == 413:
        assert "Data yang dikirim terlalu besar." in text(response)
        assert "import-dtks" not in text(response) and "Pecah" not in text(response)
    assert stored(uploads) == [] and DtksNik.select().count() == 0


@pytest.mark.parametrize("name, lang, words", [
    ("kpj", "id", "Ukuran paling banyak 32 MB, sekitar 959.000 baris; pecah berkas yang lebih besar."),
    ("kpj", "en", "Size at most 32 MB, about 959.000 rows; split larger files."),
    ("dtks", "id", "Ukuran paling banyak 32 MB. Daftar yang lebih besar diimpor oleh pengelola server "
                   "dengan perintah flask --app app import-dtks; jangan dipecah."),
    ("dtks", "en", "At most 32 MB. A larger list is imported by the server's administrator with the "
                   "command flask --app app import-dtks; do not split it."),
])
def test_the_upload_page_states_the_limit_in_the_staffs_language(admin, name, lang, words):
    admin.get(f"/bahasa/{lang}")
    assert words in text(admin.get(f"/staff/{name}"))


@pytest.mark.parametrize("value, taken", [
    (None, 32 * MIB), (str(MIB), MIB), (" 67108864 ", 64 * MIB), (str(1024 * MIB), 1024 * MIB),
    (str(MIB - 1), None), ("0", None), ("-1", None), (str(1024 * MIB + 1), None), ("32M", None),
    ("", None), ("3.5e7", None),
])
def test_import_max_bytes_is_checked_at_start_up(monkeypatch, sqlite_url, value, taken):
    if value is not None:
        monkeypatch.setenv("IMPORT_MAX_BYTES", value)
    if taken is None:
        with pytest.raises(SettingError, match=r"^IMPORT_MAX_BYTES must be a whole number from "
                                               r"1,048,576 to 1,073,741,824, not "):
            make_app(sqlite_url)
    else:
        assert make_app(sqlite_url).config["IMPORT_MAX_BYTES"] == taken
