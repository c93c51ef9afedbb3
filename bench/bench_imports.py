"""Dry runs of the largest import files the pages take (IMPORT_MAX_BYTES): time and peak memory.

Each dry run is its own process, so its peak resident memory is its own: what one gunicorn worker
grows by while it reads the file (the app already loaded). The files are the worst case per byte:
a bare NIK column (DTKS) and bare NIK,KPJ rows, every NIK valid, against an empty program year.
"""
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bench.common import row

ROOT = Path(__file__).resolve().parent.parent
XLSX_ROWS = 500_000  # openpyxl writes about 20,000 rows a second: a full 32 MiB workbook takes minutes


def nik(n, rnd):
    """A valid Balikpapan NIK, different for each n below 10,000 × 28 × 12 × 50."""
    return f"647101{rnd.randint(1, 28):02d}{rnd.randint(1, 12):02d}{rnd.randint(50, 99):02d}{n % 9999 + 1:04d}"


def csv_file(path, size, kpj):
    """A CSV of at most size bytes: NIK (and KPJ) rows."""
    rnd, n = random.Random(1), 0
    with open(path, "w", encoding="utf-8") as f:
        f.write("NIK,KPJ\n" if kpj else "NIK\n")
        while f.tell() < size - 40:
            f.write(f"{nik(n, rnd)},{26_000_000_000 + n}\n" if kpj else f"{nik(n, rnd)}\n")
            n += 1
    return n


def xlsx_file(path, rows):
    """An XLSX of a NIK column (text cells, as Excel keeps a 16-digit number) with rows rows."""
    from openpyxl import Workbook

    book, rnd = Workbook(write_only=True), random.Random(1)
    sheet = book.create_sheet()
    sheet.append(["NIK"])
    for n in range(rows):
        sheet.append([nik(n, rnd)])
    book.save(path)
    return rows


def dry_run(kind, path, url):
    """In this process: the app on url, then one dry run of path; {seconds, rows, grew_mb}."""
    sys.path.insert(0, str(ROOT))
    from app import create_app
    from models import db
    from ops import dtks_import, kpj_import

    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False})
    with app.app_context(), db.connection_context(), open(path, "rb") as f:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        started = time.perf_counter()
        if kind == "dtks":
            rows = dtks_import.import_dtks(f).rows
        else:
            rows = len(kpj_import.import_kpj(f).rows)
        seconds = time.perf_counter() - started
    grew = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before  # KiB on Linux
    return {"seconds": seconds, "rows": rows, "grew_mb": grew / 1024}


def measured(kind, path, url):
    """dry_run in a child process (its own peak memory)."""
    out = subprocess.run([sys.executable, "-m", "bench.bench_imports", kind, str(path), url],
                         cwd=ROOT, check=True, capture_output=True, text=True, timeout=1800)
    return json.loads(out.stdout.strip().splitlines()[-1])


def run():
    """Write the files, migrate a SQLite file, measure each dry run."""
    from config import MIB, from_environment
    from tests.live_server import prepare_database

    limit = from_environment("instance")["IMPORT_MAX_BYTES"]
    folder = Path(tempfile.mkdtemp(prefix="bench-imports-"))
    url = f"sqlite:///{folder / 'jaring.sqlite3'}"
    prepare_database(url)
    files = [("dtks", "DTKS CSV, bare NIKs", folder / "dtks.csv", 400),
             ("kpj", "KPJ CSV, NIK,KPJ", folder / "kpj.csv", None),
             ("dtks", "DTKS XLSX, bare NIKs", folder / "dtks.xlsx", None)]
    csv_file(files[0][2], limit, kpj=False)
    csv_file(files[1][2], limit, kpj=True)
    xlsx_file(files[2][2], XLSX_ROWS)
    rows = []
    for kind, what, path, goal in files:
        result = measured(kind, path, url)
        name = f"{what} ({path.stat().st_size / MIB:.1f} MiB, {result['rows']:,} rows)"
        rows += [row(f"{name}: dry run", result["seconds"], "s"),
                 row(f"{name}: rows a second", result["rows"] / result["seconds"], "rows/s"),
                 row(f"{name}: peak memory over the loaded app", result["grew_mb"], "MB",
                     f"≤ {goal}" if goal else None)]
    return rows


if __name__ == "__main__":
    print(json.dumps(dry_run(*sys.argv[1:4])))
