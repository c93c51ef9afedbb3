"""Export of 19,100 approved registrations (every seat of both pools): CSV, XLSX, peak memory."""
import resource
import tempfile
import time
import tracemalloc
from pathlib import Path

ROWS = 19_100  # 7,100 city + 12,000 provincial places


def metric(name, value, unit, goal=None):
    """One result row."""
    return {"metric": name, "value": float(value), "unit": unit, "goal": goal}


def best_of(job, times=3):
    """The fastest of a few runs, in seconds."""
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        job()
        spent.append(time.perf_counter() - started)
    return min(spent)


def peak_mb(job):
    """Peak traced Python memory while job runs, in MB."""
    tracemalloc.start()
    try:
        job()
        return tracemalloc.get_traced_memory()[1] / 1e6
    finally:
        tracemalloc.stop()


def run():
    """Fill a fresh SQLite database with 19,100 approved registrations, then time the exports."""
    from app import create_app
    from database import migrate
    from models import db
    from ops import demo_data, exports
    from ops.seed import seed

    with tempfile.TemporaryDirectory(prefix="jaring-bench-export-") as tmp:
        out = Path(tmp)
        create_app({"TESTING": True, "SECRET_KEY": "bench", "RATELIMIT_ENABLED": False,
                    "DATABASE_URL": f"sqlite:///{out / 'jaring.sqlite3'}"})
        migrate()
        seed()
        with db.connection_context():
            # Every seat of both pools approved: Balikpapan residents without DTKS cannot take
            # a provincial (DTKS-only) seat once the city's are gone, so ROWS applicants leave
            # some seats free; more applicants are added (the rest wait) until none is.
            added = 0
            while exports.count_rows("bpjs") < ROWS and added < 3 * ROWS:
                batch = ROWS - exports.count_rows("bpjs") + ROWS // 10
                demo_data.generate(batch, seed=ROWS + added, mix={"approved": 1}, rejected=0,
                                   cancelled=0)
                added += batch
            rows = exports.count_rows("bpjs")

            def csv_file(kind="bpjs"):
                with open(out / f"{kind}.csv", "wb") as f:
                    exports.write_csv(f, kind)

            def xlsx_file():
                with open(out / "bpjs.xlsx", "wb") as f:
                    exports.write_xlsx(f, "bpjs")

            csv_s, xlsx_s = best_of(csv_file), best_of(xlsx_file, times=2)
            decree_s = best_of(lambda: csv_file("decree"))
            csv_peak, xlsx_peak = peak_mb(csv_file), peak_mb(xlsx_file)
            sizes = {name: (out / name).stat().st_size / 1e6 for name in ("bpjs.csv", "bpjs.xlsx")}
        db.close()
    max_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return [
        metric("approved rows exported", rows, "rows", f"= {ROWS}"),
        metric("export CSV, 19,100 rows", csv_s, "s", "≤ 1"),
        metric("export XLSX, 19,100 rows", xlsx_s, "s", "≤ 5"),
        metric("export decree CSV (sorted by place, name)", decree_s, "s"),
        metric("export CSV peak Python memory (tracemalloc)", csv_peak, "MB"),
        metric("export XLSX peak Python memory (tracemalloc)", xlsx_peak, "MB"),
        metric("CSV file size", sizes["bpjs.csv"], "MB"),
        metric("XLSX file size", sizes["bpjs.xlsx"], "MB"),
        metric("process max RSS (whole run)", max_rss, "MB"),
    ]
