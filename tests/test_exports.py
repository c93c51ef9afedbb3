"""Exports for BPJS and the decree list: columns, values, order, files, streaming, flat memory."""
import csv
import datetime as dt
import io
import tracemalloc

import openpyxl
import pytest
from flask import Response, stream_with_context

from config import DEFAULT_RULES
from core import program_year, quota
from models import Pool, ProgramYear, db
from ops import demo_data, exports
from tests.factories import applicant, make_nik

BPJS_HEADER = ["NIK", "NAMA LENGKAP", "TANGGAL LAHIR", "JENIS KELAMIN", "NO HP", "KELURAHAN",
               "KECAMATAN", "PEKERJAAN", "PROGRAM", "IURAN PER BULAN (RP)", "TANGGAL MULAI"]
SITI_BIRTH = dt.date(1990, 7, 5)


def registered(n, status="approved", **kw):
    """A registration through the core, taken on to `status`."""
    reg = quota.register(applicant(n, **kw), "web", DEFAULT_RULES).registration
    if status in ("approved", "enrolled"):
        assert quota.approve(reg, "staff:test").ok
    if status == "enrolled":
        assert quota.record_membership(reg, f"2600000000{n}", "staff:test").ok
    return reg


def known_set():
    """Budi (Manggar), Siti (Damai), a pending one, an enrolled Ahmad (Manggar), a Samarinda one."""
    registered(1)
    registered(2, name="Siti Aminah", nik=make_nik(2, birth=SITI_BIRTH, female=True),
               birth=SITI_BIRTH, kelurahan="64.71.06.1005", occupation="nelayan")
    registered(3, status="pending", name="Dewi Lestari")
    registered(4, status="enrolled", name="Ahmad Fauzi")
    registered(5, name="Rahmat Hidayat", kelurahan="64.72.01.1001", occupation="pedagang",
               decl_dtks=True)  # Rawa Makmur, Palaran (Samarinda): the provincial pool, for DTKS
    return ProgramYear.current().year


def read_csv(kind, **kw):
    """An export read back with the csv module."""
    data = b"".join(exports.csv_chunks(kind, **kw)).decode("utf-8")
    return list(csv.reader(io.StringIO(data)))


def read_xlsx(kind, **kw):
    """An export read back with openpyxl: {sheet title: rows}."""
    out = io.BytesIO()
    exports.write_xlsx(out, kind, **kw)
    out.seek(0)
    book = openpyxl.load_workbook(out, read_only=True)
    return {sheet.title: [list(r) for r in sheet.iter_rows(values_only=True)] for sheet in book}


def test_bpjs_csv_lists_approved_registrations_in_the_default_columns(core_app):
    year = known_set()
    rows = read_csv("bpjs")
    assert rows[0] == BPJS_HEADER
    start = f"01-01-{year}"
    assert rows[1:] == [
        [make_nik(1), "Budi Santoso", "12-03-1985", "L", "081200000001", "Manggar",
         "Balikpapan Timur", "Pengemudi ojek online", "JKK+JKM", "16800", start],
        [make_nik(2, birth=SITI_BIRTH, female=True), "Siti Aminah", "05-07-1990", "P",
         "081200000002", "Damai", "Balikpapan Kota", "Nelayan", "JKK+JKM", "16800", start],
        [make_nik(5), "Rahmat Hidayat", "12-03-1985", "L", "081200000005", "Rawa Makmur", "Palaran",
         "Pedagang kecil / kaki lima", "JKK+JKM", "16800", start],
    ]
    assert exports.count_rows("bpjs") == 3


def test_bpjs_xlsx_holds_the_same_rows_with_nik_and_phone_as_text(core_app):
    known_set()
    sheets = read_xlsx("bpjs")
    assert list(sheets) == ["Peserta"]
    as_csv = read_csv("bpjs")
    rows = sheets["Peserta"]
    assert rows[0] == as_csv[0]
    assert [[str(v) if v is not None else "" for v in r] for r in rows[1:]] == as_csv[1:]
    assert rows[1][0] == make_nik(1) and rows[1][4] == "081200000001" and rows[1][9] == 16800


def test_columns_come_from_the_caller_or_the_environment(app, monkeypatch):
    with app.app_context(), db.connection_context():
        registered(1)
        assert read_csv("bpjs", columns="ref,nik,kpj")[0] == ["KODE PENDAFTARAN", "NIK", "NO KPJ"]
        monkeypatch.setenv("JARING_EXPORT_COLUMNS", "nama, kab_kota ,instansi")
        assert read_csv("bpjs")[1] == ["Budi Santoso", "Kota Balikpapan", "Disnaker"]
        monkeypatch.setenv("JARING_CONTRIBUTION", "20000")
        assert read_csv("bpjs", columns=["iuran"])[1] == ["20000"]
        with pytest.raises(ValueError, match="unknown column.*alamat"):
            exports.columns_for("bpjs", "nik,alamat")


def test_decree_groups_approved_and_enrolled_by_kecamatan_and_kelurahan(core_app):
    known_set()
    rows = read_csv("decree")
    assert rows[0] == ["NO", "KABUPATEN/KOTA", "KECAMATAN", "KELURAHAN", "NAMA LENGKAP", "NIK",
                       "TANGGAL LAHIR", "JENIS KELAMIN", "PEKERJAAN"]
    assert [r[:5] for r in rows[1:]] == [
        ["1", "Kota Balikpapan", "Balikpapan Timur", "Manggar", "Ahmad Fauzi"],
        ["2", "Kota Balikpapan", "Balikpapan Timur", "Manggar", "Budi Santoso"],
        ["3", "Kota Balikpapan", "Balikpapan Kota", "Damai", "Siti Aminah"],
        ["4", "Kota Samarinda", "Palaran", "Rawa Makmur", "Rahmat Hidayat"],
    ]


def test_each_regency_gets_its_own_decree_list(core_app):
    known_set()
    samarinda = read_csv("decree", region="64.72")
    assert [r[:5] for r in samarinda[1:]] == [
        ["1", "Kota Samarinda", "Palaran", "Rawa Makmur", "Rahmat Hidayat"]]
    balikpapan = read_csv("decree", region="64.71")
    assert [r[4] for r in balikpapan[1:]] == ["Ahmad Fauzi", "Budi Santoso", "Siti Aminah"]
    assert exports.decree_summary(region="64.72") == [("Palaran", "Rawa Makmur", 1)]
    assert exports.count_rows("bpjs", region="64.74") == 0  # Bontang: nobody yet


def test_decree_xlsx_has_a_summary_sheet_and_a_heading_per_kelurahan(core_app):
    known_set()
    sheets = read_xlsx("decree", columns="no,nama")
    assert sheets["Rekap"] == [["KECAMATAN", "KELURAHAN", "JUMLAH"],
                               ["Balikpapan Timur", "Manggar", 2], ["Balikpapan Kota", "Damai", 1],
                               ["Palaran", "Rawa Makmur", 1]]
    assert sheets["Daftar"] == [["NO", "NAMA LENGKAP"], ["BALIKPAPAN TIMUR / MANGGAR"],
                                [1, "Ahmad Fauzi"], [2, "Budi Santoso"],
                                ["BALIKPAPAN KOTA / DAMAI"], [3, "Siti Aminah"],
                                ["PALARAN / RAWA MAKMUR"], [4, "Rahmat Hidayat"]]


def test_keyset_pages_give_every_row_once_even_with_equal_names(core_app):
    for n in range(7):
        registered(n, name="Budi Santoso")
    ids = [r.id for r in exports.records("decree", batch=2)]
    assert len(ids) == 7 and len(set(ids)) == 7 and ids == sorted(ids)
    assert [r.id for r in exports.records("bpjs", batch=3)] == ids


def test_an_export_of_nothing_is_just_the_header(core_app):
    assert read_csv("bpjs") == [BPJS_HEADER]
    assert read_xlsx("bpjs")["Peserta"] == [BPJS_HEADER]


def test_csv_streams_through_a_flask_response(app, client):
    @app.get("/test-export.csv")
    def download():
        chunks = exports.csv_chunks("bpjs", size=64)
        return Response(stream_with_context(chunks), mimetype="text/csv")

    with app.app_context(), db.connection_context():
        for n in range(5):
            registered(n)
        expected = io.BytesIO()
        exports.write_csv(expected, "bpjs")
    response = client.get("/test-export.csv")
    assert response.status_code == 200 and response.is_streamed
    assert response.data == expected.getvalue() and response.data.count(b"\r\n") == 6


def test_cli_writes_csv_and_xlsx_files_with_a_progress_bar_and_a_summary(app, runner, tmp_path):
    with app.app_context(), db.connection_context():
        for n in range(3):
            registered(n)
    result = runner.invoke(args=["export", "bpjs", "--output", str(tmp_path / "b.csv")])
    assert result.exit_code == 0, result.output
    assert "export bpjs: 3 rows, 11 columns, csv" in result.stdout
    assert "3/3" in result.stderr and "rows" in result.stderr
    assert make_nik(0) not in result.output
    assert len(list(csv.reader(open(tmp_path / "b.csv", encoding="utf-8")))) == 4
    result = runner.invoke(args=["export", "decree", "--format", "xlsx",
                                 "-o", str(tmp_path / "d.xlsx"), "--columns", "no,nama"])
    assert result.exit_code == 0, result.output
    book = openpyxl.load_workbook(tmp_path / "d.xlsx", read_only=True)
    assert book.sheetnames == ["Rekap", "Daftar"]


def test_cli_refuses_an_unknown_column_and_writes_nothing(runner, tmp_path):
    result = runner.invoke(args=["export", "bpjs", "-o", str(tmp_path / "b.csv"), "--columns", "x"])
    assert result.exit_code == 2 and "unknown column(s) x" in result.output
    assert not (tmp_path / "b.csv").exists()


def peak_memory(write):
    """The peak of traced Python memory while write() runs."""
    tracemalloc.start()
    try:
        write()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


@pytest.mark.slow
def test_memory_stays_flat_from_2000_to_20000_rows(app, tmp_path):
    with app.app_context(), db.connection_context():
        Pool.update(capacity=30_000).where(Pool.code == "kota-balikpapan").execute()
        small = ProgramYear.current().year
        demo_data.generate(2_000, seed=1, mix={"approved": 1}, rejected=0, cancelled=0)
        assert program_year.open_year(small + 1, "test").ok
        demo_data.generate(20_000, seed=2, mix={"approved": 1}, rejected=0, cancelled=0)
        assert [exports.count_rows("bpjs", y) for y in (small, small + 1)] == [2_000, 20_000]
        peaks = {}
        for year in (small, small + 1):
            peaks["csv", year] = peak_memory(lambda: sum(map(len, exports.csv_chunks("bpjs", year))))
            with open(tmp_path / f"{year}.xlsx", "wb") as out:
                peaks["xlsx", year] = peak_memory(lambda: exports.write_xlsx(out, "bpjs", year))
    for kind in ("csv", "xlsx"):
        assert peaks[kind, small + 1] < 1.5 * peaks[kind, small], peaks
