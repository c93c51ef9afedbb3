"""Exports: approved registrations for BPJS collective registration, and the decree list."""
import csv
import functools
import io
import re
import tempfile

from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from peewee import Tuple, fn

from core.program_year import year_number
from models import Registration
from ops.export_columns import COLUMNS, DEFAULTS, ENV, Names, columns_for  # noqa: F401 (the registry)

BATCH = 2000
# "csv" is the file staff double-click: Excel reads it as UTF-8 only after a byte-order mark, and
# turns digit strings into numbers (NIK 6.47E+15, phone without its 0) and 01-12-2025 into a date
# of its own locale. `="6471…"` is a formula whose value is that exact text, in Excel, LibreOffice
# and Google Sheets; a leading tab or apostrophe would stay part of the value (a NIK no longer
# matches when copied or looked up). "csv-plain" is the same table as bare UTF-8 for machines.
FORMATS = ("csv", "csv-plain", "xlsx")
BOM = "\ufeff"
EXCEL_WOULD_CONVERT = re.compile(r"^[+\-]?[0-9][0-9 .,/:+\-eE]*$")
STATUSES = {"bpjs": ("approved",), "decree": ("approved", "enrolled")}
FIELDS = (Registration.id, Registration.ref, Registration.year, Registration.nik,
          Registration.name, Registration.birth_date, Registration.sex, Registration.phone,
          Registration.occupation, Registration.region, Registration.status,
          Registration.channel, Registration.kpj, Registration.created_at)


def selection(kind, year=None, region=None):
    """The registrations an export of kind contains (of one regency, e.g. '64.72', if given)."""
    query = Registration.select(*FIELDS).where(
        (Registration.year == year_number(year)) & Registration.status.in_(STATUSES[kind]))
    return query.where(Registration.region.startswith(region + ".")) if region else query


def count_rows(kind, year=None, region=None):
    """How many rows an export will have (for a progress bar or a page)."""
    return selection(kind, year, region).count()


def records(kind, year=None, batch=BATCH, region=None):
    """The rows in order, fetched by keyset pages of `batch`, so memory never grows with rows."""
    keys = (Registration.region, Registration.name, Registration.id) if kind == "decree" \
        else (Registration.id,)
    year, last, more = year_number(year), None, True
    while more:
        query = selection(kind, year, region)
        if last is not None:
            query = query.where(Tuple(*keys) > Tuple(*last))
        # iterator(): peewee keeps no row cache, which a reference cycle would keep alive.
        page = list(query.order_by(*keys).limit(batch).namedtuples().iterator())
        yield from page
        more = len(page) == batch
        last = tuple(getattr(page[-1], k.name) for k in keys) if more else None
        del page  # let the page go before the next one is fetched: one page in memory at a time


def rows(kind, columns, year=None, progress=None, region=None):
    """Value lists of each record, in column order; progress(n) is told every batch."""
    names, getters = Names(), [COLUMNS[k].value for k in columns]
    for number, record in enumerate(records(kind, year, region=region), start=1):
        names.number = number  # the "no" column
        yield record, [get(record, names) for get in getters]
        if progress and number % BATCH == 0:
            progress(BATCH)
    if progress and names.number % BATCH:
        progress(names.number % BATCH)


def excel_cell(value):
    """A value as Excel keeps it: text Excel would read as a number or a date becomes ="…"."""
    if isinstance(value, str) and EXCEL_WOULD_CONVERT.match(value):
        return f'="{value}"'
    return value


def csv_lines(kind="bpjs", year=None, columns=None, progress=None, excel=False, region=None):
    """The export as CSV text, one line per item, header first (for a streaming response);
    excel: a byte-order mark first and digit strings and dates kept as text (excel_cell);
    region: one regency's registrations only (a regency code such as 64.72)."""
    columns = columns_for(kind, columns)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([COLUMNS[k].header for k in columns])
    yield (BOM if excel else "") + buffer.getvalue()
    for _, values in rows(kind, columns, year, progress, region):
        buffer.seek(0)
        buffer.truncate()
        writer.writerow([excel_cell(v) for v in values] if excel else values)
        yield buffer.getvalue()


def csv_chunks(kind="bpjs", year=None, columns=None, progress=None, size=64 * 1024, excel=False,
               region=None):
    """The CSV export as UTF-8 byte chunks of about `size`, for a Flask streaming response."""
    parts, length = [], 0
    for line in csv_lines(kind, year, columns, progress, excel, region):
        parts.append(line)
        length += len(line)
        if length >= size:
            yield "".join(parts).encode("utf-8")
            parts, length = [], 0
    if parts:
        yield "".join(parts).encode("utf-8")


def write_csv(out, kind="bpjs", year=None, columns=None, progress=None, excel=False, region=None):
    """Write the CSV export to a binary file object."""
    for chunk in csv_chunks(kind, year, columns, progress, excel=excel, region=region):
        out.write(chunk)


def chunks_for(fmt):
    """The byte-chunk generator of a format in FORMATS: chunks(kind, year, columns, progress, region=)."""
    return {"csv": functools.partial(csv_chunks, excel=True), "csv-plain": csv_chunks,
            "xlsx": xlsx_chunks}[fmt]


def writer_for(fmt):
    """The file writer of a format in FORMATS: writer(out, kind, year, columns, progress, region=)."""
    return {"csv": functools.partial(write_csv, excel=True), "csv-plain": write_csv,
            "xlsx": write_xlsx}[fmt]


def xlsx_chunks(kind="bpjs", year=None, columns=None, progress=None, size=64 * 1024, region=None):
    """The XLSX export as byte chunks (built in a temporary file first: a zip needs its end)."""
    with tempfile.TemporaryFile() as spool:
        write_xlsx(spool, kind, year, columns, progress, region)
        spool.seek(0)
        while chunk := spool.read(size):
            yield chunk


def write_xlsx(out, kind="bpjs", year=None, columns=None, progress=None, region=None):
    """Write the export as XLSX (write-only workbook: rows go to disk, not memory)."""
    columns = columns_for(kind, columns)
    book = Workbook(write_only=True)
    if kind == "decree":
        summary = book.create_sheet("Rekap")
        summary.append(bold(summary, ["KECAMATAN", "KELURAHAN", "JUMLAH"]))
        for line in decree_summary(year, region):
            summary.append(list(line))
    sheet = book.create_sheet("Daftar" if kind == "decree" else "Peserta")
    for i, key in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(i)].width = max(len(COLUMNS[key].header) + 2, 14)
    sheet.append(bold(sheet, [COLUMNS[k].header for k in columns]))
    group, names = None, Names()
    for record, values in rows(kind, columns, year, progress, region):
        if kind == "decree" and record.region != group:
            group = record.region
            place = [names.district(group) or names.regency(group), names.village(group)]
            sheet.append(bold(sheet, [" / ".join(p for p in place if p).upper()]))
        sheet.append(values)
    book.save(out)


def bold(sheet, values):
    """Bold cells for a write-only sheet."""
    cells = [WriteOnlyCell(sheet, value=v) for v in values]
    for cell in cells:
        cell.font = Font(bold=True)
    return cells


def decree_summary(year=None, region=None):
    """(kecamatan, kelurahan, count) per kelurahan of the decree list, in region order."""
    names = Names()
    query = (Registration.select(Registration.region, fn.COUNT(Registration.id).alias("n"))
             .where((Registration.year == year_number(year))
                    & Registration.status.in_(STATUSES["decree"])))
    if region:
        query = query.where(Registration.region.startswith(region + "."))
    query = query.group_by(Registration.region).order_by(Registration.region).tuples()
    return [(names.district(code) or names.regency(code), names.village(code), n)
            for code, n in query]
