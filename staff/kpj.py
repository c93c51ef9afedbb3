"""Import of KPJ numbers (admin): upload, a dry run with a per-row report, then apply that file."""
import os
import re
import secrets
import time
from pathlib import Path

from flask import current_app, render_template, request
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from ops import kpj_import
from staff import bp
from staff.roles import actor, role_required
from staff.texts import ERRORS as STAFF_ERRORS
from web.errors import render_error
from web.filters import number
from web.texts import ERRORS as WEB_ERRORS
from web.texts import STATUS

TOKEN = re.compile(r"[0-9a-f]{32}")  # secrets.token_hex(16): nothing else names a stored file
KEEP_SECONDS = 3 * 3600
SHOWN = 1000  # rows listed on the page; problems first, the counts cover every row
OK = ("matched", "already_enrolled")
RESULTS = {"matched": _l("Cocok"), "unknown_nik": _l("NIK tidak dikenal"),
           "already_enrolled": _l("Sudah terdaftar"), "malformed": _l("Format salah"),
           "not_approved": _l("Belum disetujui"), "conflict": _l("Bentrok"), "duplicate": _l("Baris ganda")}

def upload_dir():
    """Where an upload waits between dry run and apply: instance/uploads (or KPJ_UPLOAD_DIR)."""
    folder = Path(current_app.config["KPJ_UPLOAD_DIR"] or Path(current_app.instance_path) / "uploads")
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    return folder


def sweep(folder):
    """Delete stored uploads older than a few hours (checked and never applied)."""
    limit = time.time() - KEEP_SECONDS
    for path in folder.iterdir():
        if TOKEN.fullmatch(path.stem) and path.suffix in (".kpj", ".applying"):
            try:
                if path.stat().st_mtime < limit:
                    path.unlink()
            except FileNotFoundError:  # another worker swept it first
                pass


def store(upload):
    """Save the upload under a new random token, readable by this server's user only."""
    folder = upload_dir()
    sweep(folder)
    token = secrets.token_hex(16)
    fd = os.open(folder / f"{token}.kpj", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        upload.save(out)
    return token


def run(path, apply):
    """The import report of a stored file (a dry run unless apply)."""
    with open(path, "rb") as f:
        return kpj_import.import_kpj(f, apply=apply, actor=actor())


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
    """The upload limit in words (MAX_CONTENT_LENGTH; a row of NIK and KPJ is about 35 bytes)."""
    limit = current_app.config.get("MAX_CONTENT_LENGTH") or 0
    return _("paling banyak %(mb)s MB, sekitar %(rows)s baris", mb=f"{limit / 1048576:g}",
             rows=number(int(round(limit / 35, -3))))


def unreadable():
    """What to say about a file that is not a table with NIK and KPJ columns."""
    return _("Berkas tidak dapat dibaca. Unggah CSV (UTF-8) atau XLSX dengan baris judul "
             "yang memuat kolom NIK dan KPJ.")


@bp.get("/kpj")
@role_required("admin", province=True)
def kpj():
    """The upload form."""
    return kpj_page()


@bp.post("/kpj")
@role_required("admin", province=True)
def kpj_check():
    """Keep the uploaded file and show what applying it would do; nothing changes yet."""
    upload = request.files.get("file")
    if upload is None or not upload.filename:
        return kpj_page(error=_("Pilih berkas CSV atau XLSX."), status=422)
    token = store(upload)
    path = upload_dir() / f"{token}.kpj"
    try:
        report = run(path, apply=False)
    except kpj_import.ImportFileError:
        path.unlink(missing_ok=True)
        return kpj_page(error=unreadable(), status=422)
    if not report.counts["matched"]:
        path.unlink(missing_ok=True)  # nothing to apply: no need to keep it
        token = None
    return kpj_page(report, token)


@bp.post("/kpj/terapkan")
@role_required("admin", province=True)
def kpj_apply():
    """Apply a checked file by its token: enrol each match through the core (SMS included)."""
    token = request.form.get("token", "")
    gone = _("Berkas ini sudah diterapkan atau sudah kedaluwarsa. Unggah lagi untuk memeriksa.")
    if not TOKEN.fullmatch(token):
        return kpj_page(error=gone, status=422)
    path = upload_dir() / f"{token}.kpj"
    claimed = path.with_suffix(".applying")
    try:
        os.rename(path, claimed)  # atomic: of two clicks on Apply, one gets the file
    except FileNotFoundError:
        return kpj_page(error=gone, status=422)
    try:
        return kpj_page(run(claimed, apply=True))
    except kpj_import.ImportFileError:
        return kpj_page(error=unreadable(), status=422)
    finally:
        claimed.unlink(missing_ok=True)


@bp.errorhandler(413)
def too_large(error):
    """An upload over the size limit: on the KPJ page, say what the limit is."""
    if request.endpoint == "staff.kpj_check":
        return render_error(413, _("Berkas terlalu besar (%(limit)s). Pecah berkasnya dan unggah "
                                   "satu per satu.", limit=size_limit()))
    return render_error(413, WEB_ERRORS["http_413"])
