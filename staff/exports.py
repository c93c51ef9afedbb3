"""Exports for BPJS and the decree (admin): pick list, format and columns; stream the file."""
import re

from flask import Response, g, render_template, request, stream_with_context
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from core import journal
from core.program_year import year_number
from models import ProgramYear, Region
from ops import exports
from staff import bp
from staff.roles import actor, role_required

KINDS = {"bpjs": _l("Daftar untuk BPJS Ketenagakerjaan"), "decree": _l("Daftar untuk SK Wali Kota")}
FORMATS = {"csv": "text/csv", "csv-plain": "text/csv",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
EXTENSIONS = {"csv": "csv", "csv-plain": "plain.csv", "xlsx": "xlsx"}
FILE_NAMES = {"bpjs": "bpjs", "decree": "sk"}
MAX_COLUMNS = 60


def picked_columns(args):
    """Column keys asked for: checkbox values, each may also be a comma-separated list."""
    keys = [k.strip()[:40] for v in args.getlist("columns")[:MAX_COLUMNS] for k in v.split(",")]
    return [k for k in keys if k][:MAX_COLUMNS]


def read_region(args):
    """(regency code or None, error): the account's own regency, else the one asked for."""
    if g.staff.region:
        return g.staff.region, None
    code = args.get("region", "")[:16]
    if not code or Region.select().where((Region.code == code) & (Region.level == "regency")).exists():
        return code or None, None
    return None, _("Pilih kabupaten/kota dari daftar.")


def read_choice(args):
    """(kind, format, year, columns, errors): what to export, from the query string."""
    errors, kind, fmt = {}, args.get("kind", "bpjs"), args.get("format", "csv")
    if kind not in KINDS:
        kind, errors["kind"] = "bpjs", _("Pilih daftar untuk BPJS atau daftar untuk SK.")
    if fmt not in FORMATS:
        fmt, errors["format"] = "csv", _("Pilih CSV untuk Excel, CSV polos atau XLSX.")
    text, year = args.get("year", ""), year_number()
    if text:
        if re.fullmatch(r"[0-9]{4}", text) and ProgramYear.get_or_none(ProgramYear.year == int(text)):
            year = int(text)
        else:
            errors["year"] = _("Tahun program ini tidak ada.")
    picked = picked_columns(args)
    unknown = [k for k in picked if k not in exports.COLUMNS]
    columns = list(exports.DEFAULTS[kind])
    if unknown:
        errors["columns"] = _("Kolom tidak dikenal: %(names)s. Pilih kolom dari daftar.",
                              names=", ".join(unknown))
    else:
        try:
            columns = exports.columns_for(kind, picked or None)
        except ValueError:  # only a wrong JARING_*_COLUMNS setting can get here
            errors["columns"] = _("Setelan kolom bawaan server salah. Pilih kolom dari daftar.")
    return kind, fmt, year, columns, errors


def column_menu(kind):
    """Every column key, the kind's defaults first in their order (the file keeps this order)."""
    defaults = list(exports.DEFAULTS[kind])
    return defaults + [k for k in exports.COLUMNS if k not in defaults]


def exports_form(kind, fmt, year, columns, errors, status=200, region=None):
    """The exports page: choices, the number of rows and the decree summary (of one regency)."""
    summary = exports.decree_summary(year, region)
    years = [y.year for y in ProgramYear.select(ProgramYear.year).order_by(ProgramYear.year.desc())]
    return render_template(
        "staff/exports.html", kind=kind, fmt=fmt, year=year, columns=columns, errors=errors,
        kinds=KINDS, years=years, menu=column_menu(kind), registry=exports.COLUMNS,
        count=exports.count_rows(kind, year, region), summary=summary, region=region,
        regencies=list(Region.regencies()),
        summary_total=sum(row[2] for row in summary)), status


@bp.get("/ekspor")
@role_required("admin")
def exports_page():
    """Choose what to download; see how many rows it will have."""
    kind, fmt, year, columns, errors = read_choice(request.args)
    region, error = read_region(request.args)
    if error:
        errors["region"] = error
    return exports_form(kind, fmt, year, columns, errors, 422 if errors else 200, region)


@bp.get("/ekspor/unduh")
@role_required("admin")
def export_download():
    """Stream the chosen export (a GET: it changes nothing, but it is audited: personal data)."""
    kind, fmt, year, columns, errors = read_choice(request.args)
    region, error = read_region(request.args)
    if error:
        errors["region"] = error
    if errors:
        return exports_form(kind, fmt, year, columns, errors, 422, region)
    rows = exports.count_rows(kind, year, region)
    journal.audit(actor(), "export", kind=kind, format=fmt, rows=rows, year=year, region=region,
                  columns=",".join(columns))
    chunks = exports.chunks_for(fmt)(kind, year, columns, region=region)
    name = f"jaring-{FILE_NAMES[kind]}-{year}{'-' + region if region else ''}.{EXTENSIONS[fmt]}"
    return Response(stream_with_context(chunks), mimetype=FORMATS[fmt], headers={
        "Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "no-store"})
