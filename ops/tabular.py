"""Rows of an uploaded table, CSV or XLSX, read as they come (never the whole file at once)."""
import csv
import io

from openpyxl import load_workbook

XLSX_MAGIC = b"PK\x03\x04"  # an XLSX file is a zip
HEADER_ROWS = 10  # a title or notes may stand above the header row; not more than this
NIK_HEADERS = {"nik", "no nik", "nomor nik", "nik peserta", "no ktp", "nomor ktp"}


class ImportFileError(ValueError):
    """The file is not a table we can read, or lacks the columns needed."""


def cell_text(value):
    """A cell as text; a number keeps every digit (Excel may have stored a NIK as a number)."""
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def is_xlsx(fileobj):
    """Whether a binary file object holds an XLSX workbook; the file is rewound."""
    start = fileobj.read(4)
    fileobj.seek(0)
    return start == XLSX_MAGIC


def table(fileobj):
    """The rows of a binary file object as lists of cells: XLSX (first sheet) or UTF-8 CSV."""
    if is_xlsx(fileobj):
        try:
            book = load_workbook(fileobj, read_only=True, data_only=True)
        except Exception as error:  # noqa: BLE001 - any unreadable workbook is the same answer
            raise ImportFileError("not a readable XLSX file") from error
        try:
            # read_only parses the sheet as it is read: a broken one fails here, not at the open.
            sheet = book.active
            if sheet is None:
                raise ImportFileError("an XLSX file without a sheet")
            yield from sheet.iter_rows(values_only=True)
        except ImportFileError:
            raise
        except Exception as error:  # noqa: BLE001 - as above: any unreadable sheet is one answer
            raise ImportFileError("not a readable XLSX sheet") from error
        finally:
            book.close()
        return
    text = io.TextIOWrapper(fileobj, encoding="utf-8-sig", newline="")
    try:
        # Excel in an Indonesian locale saves CSV with semicolons; some tools use tabs.
        delimiter = max(",;\t", key=text.readline().count)
        text.seek(0)
        yield from csv.reader(text, delimiter=delimiter)
    except (UnicodeDecodeError, csv.Error) as error:
        raise ImportFileError("not a UTF-8 CSV file") from error
    finally:
        text.detach()  # leave the caller's file open


def header_name(value):
    """A header cell folded for matching: "No. KPJ", "no_kpj" and "NO  KPJ" are all "no kpj"."""
    return " ".join(cell_text(value).lower().replace("_", " ").replace(".", " ").split())


def rows_below_header(fileobj, wanted):
    """(line, [text of each wanted column], cells) for each row after the header row.

    wanted: {label: accepted header names} a column, e.g. {"NIK": NIK_HEADERS}; the header is the
    first row within HEADER_ROWS that has them all. ImportFileError when there is none.
    """
    columns = None
    for line, cells in enumerate(table(fileobj), start=1):
        cells = list(cells or ())
        if columns is None:
            names = [header_name(c) for c in cells]
            found = [next((i for i, n in enumerate(names) if n in accepted), None)
                     for accepted in wanted.values()]
            if None not in found:
                columns = found
            elif line >= HEADER_ROWS:
                break
            continue
        yield line, [cell_text(cells[i]) if i < len(cells) else "" for i in columns], cells
    if columns is None:
        raise ImportFileError(f"no header row with {' and '.join(f'a {label}' for label in wanted)} column")


def row_count(fileobj):
    """About how many rows follow the first (for a progress bar); the file is rewound."""
    if is_xlsx(fileobj):
        book = load_workbook(fileobj, read_only=True)
        total = (book.active.max_row or 1) - 1
        book.close()
    else:
        total = sum(1 for _ in fileobj) - 1
    fileobj.seek(0)
    return max(total, 0)
