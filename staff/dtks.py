"""Import of the DTKS list (admin, province-wide): upload, a dry run with counts, then apply."""
from flask import render_template
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ops import dtks_import
from staff import uploads
from staff.texts import error_text
from web.texts import ERRORS as WEB_ERRORS

SHOWN = 50  # malformed lines listed; the count covers them all


def dtks_page(report=None, token=None, error=None, status=200):
    """The upload form, or a report (with Apply after a clean dry run); a malformed NIK refuses it."""
    if report is not None and report.malformed:
        error, status = error_text("dtks_malformed"), 422
    malformed = [(line, str(WEB_ERRORS.get(key, key))) for line, key in (report.malformed if report else [])]
    return render_template("staff/dtks.html", report=report, token=token, error=error,
                           malformed=malformed[:SHOWN], listed=dtks_import.listed_count(),
                           mb=uploads.max_mb()), status


def too_large():
    """A DTKS file over the limit: a list replaces the whole year's list, so it cannot go in parts."""
    return _("Berkas terlalu besar (paling banyak %(mb)s MB). Daftar DTKS mengganti seluruh daftar "
             "tahun ini, jadi jangan dipecah: minta pengelola server mengimpornya dengan perintah "
             "flask --app app import-dtks.", mb=uploads.max_mb())


DTKS = uploads.Import(
    run=dtks_import.import_dtks, page=dtks_page,
    unreadable=_l("Berkas tidak dapat dibaca. Unggah CSV (UTF-8) atau XLSX dengan baris judul yang "
                  "memuat kolom NIK."),
    applicable=lambda report: report.ok, too_large=too_large)


uploads.routes("dtks", DTKS)
