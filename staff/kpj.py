"""Import of KPJ numbers (admin): upload, a dry run with a per-row report, then apply that file."""
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ops import kpj_import
from staff import uploads
from staff.texts import ERRORS as STAFF_ERRORS
from web.filters import number
from web.texts import STATUS

SHOWN = 1000  # rows listed on the page; problems first, the counts cover every row
OK = ("matched", "already_enrolled")
RESULTS = {"matched": _l("Cocok"), "unknown_nik": _l("NIK tidak dikenal"),
           "already_enrolled": _l("Sudah terdaftar"), "malformed": _l("Format salah"),
           "not_approved": _l("Belum disetujui"), "conflict": _l("Bentrok"), "duplicate": _l("Baris ganda")}


def detail_text(detail):
    """A row's detail in words."""
    if detail.startswith("line "):
        return _("sama dengan baris %(line)s", line=detail[5:])
    return str(STAFF_ERRORS.get(detail) or STATUS.get(detail) or detail)


def kpj_page(report=None, token=None, error=None, status=200):
    """The import page: the upload form, or a report (with Apply after a dry run)."""
    rows = report.rows if report else []
    shown = [r for r in rows if r.result not in OK][:SHOWN]
    shown = sorted(shown + [r for r in rows if r.result in OK][:SHOWN - len(shown)], key=lambda r: r.line)
    return render_template("staff/kpj.html", report=report, rows=shown, token=token, error=error,
                           results=RESULTS, detail_text=detail_text,
                           enrolled=sum(r.applied for r in rows), limit=size_limit()), status


def size_limit():
    """The upload limit in words (IMPORT_MAX_BYTES; a row of NIK and KPJ is about 35 bytes)."""
    return _("paling banyak %(mb)s MB, sekitar %(rows)s baris", mb=uploads.max_mb(),
             rows=number(int(round(uploads.max_bytes() / 35, -3))))


def too_large():
    """A KPJ file over the limit: its rows stand alone, so it may go in parts."""
    return _("Berkas terlalu besar (%(limit)s). Pecah berkasnya dan unggah satu per satu.",
             limit=size_limit())


KPJ = uploads.Import(
    run=kpj_import.import_kpj, page=kpj_page,
    unreadable=_l("Berkas tidak dapat dibaca. Unggah CSV (UTF-8) atau XLSX dengan baris judul "
                  "yang memuat kolom NIK dan KPJ."),
    applicable=lambda report: report.counts["matched"] > 0, too_large=too_large)


uploads.routes("kpj", KPJ)
