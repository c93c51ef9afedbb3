"""Import of the DTKS list (admin, province-wide): upload, a dry run with counts, then apply."""
import os

from flask import render_template, request
from flask_babel import gettext as _

from ops import dtks_import
from staff import bp
from staff.kpj import TOKEN, store, upload_dir
from staff.roles import actor, role_required
from staff.texts import error_text
from web.texts import ERRORS as WEB_ERRORS

SHOWN = 50  # malformed lines listed; the count covers them all


def dtks_page(report=None, token=None, error=None, status=200):
    """The upload form, or a report (with Apply after a clean dry run)."""
    malformed = [(line, str(WEB_ERRORS.get(key, key))) for line, key in (report.malformed if report else [])]
    return render_template("staff/dtks.html", report=report, token=token, error=error,
                           malformed=malformed[:SHOWN], listed=dtks_import.listed_count()), status


def run(path, apply):
    """The report of a stored file (a dry run unless apply)."""
    with open(path, "rb") as f:
        return dtks_import.import_dtks(f, apply=apply, actor=actor())


def unreadable():
    """What to say about a file that is not a table with a NIK column."""
    return _("Berkas tidak dapat dibaca. Unggah CSV (UTF-8) atau XLSX dengan baris judul yang memuat "
             "kolom NIK.")


@bp.get("/dtks")
@role_required("admin", province=True)
def dtks():
    """The upload form and the size of the current list."""
    return dtks_page()


@bp.post("/dtks")
@role_required("admin", province=True)
def dtks_check():
    """Keep the file and show what applying it would do; a file with a malformed NIK is refused."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return dtks_page(error=_("Pilih berkas CSV atau XLSX."), status=422)
    token = store(upload)
    path = upload_dir() / f"{token}.kpj"
    try:
        report = run(path, apply=False)
    except dtks_import.ImportFileError:
        path.unlink(missing_ok=True)
        return dtks_page(error=unreadable(), status=422)
    if not report.ok:
        path.unlink(missing_ok=True)
        return dtks_page(report, error=error_text("dtks_malformed") if report.malformed else None,
                         status=422 if report.malformed else 200)
    return dtks_page(report, token)


@bp.post("/dtks/terapkan")
@role_required("admin", province=True)
def dtks_apply():
    """Apply a checked file by its token: it becomes the year's DTKS list."""
    token = request.form.get("token", "")
    gone = _("Berkas ini sudah diterapkan atau sudah kedaluwarsa. Unggah lagi untuk memeriksa.")
    if not TOKEN.fullmatch(token):
        return dtks_page(error=gone, status=422)
    path = upload_dir() / f"{token}.kpj"
    claimed = path.with_suffix(".applying")
    try:
        os.rename(path, claimed)  # atomic: of two clicks on Apply, one gets the file
    except FileNotFoundError:
        return dtks_page(error=gone, status=422)
    try:
        return dtks_page(run(claimed, apply=True))
    except dtks_import.ImportFileError:
        return dtks_page(error=unreadable(), status=422)
    finally:
        claimed.unlink(missing_ok=True)
