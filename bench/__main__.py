"""Run the benchmarks: `python -m bench [bench_x ...]`; print one table, write bench/results.json."""
import datetime as dt
import importlib
import json
import math
import os
import platform
import re
import sys
import time
import traceback
from pathlib import Path

from bench.common import print_table

HERE = Path(__file__).resolve().parent
GOAL = re.compile(r"^\s*(≤|<=|≥|>=|=|==|<|>)\s*([\d,.]+)")
COMPARE = {"≤": float.__le__, "<=": float.__le__, "≥": float.__ge__, ">=": float.__ge__,
           "=": float.__eq__, "==": float.__eq__, "<": float.__lt__, ">": float.__gt__}


def discover():
    """Names of every bench/bench_*.py module, sorted."""
    return sorted(p.stem for p in HERE.glob("bench_*.py"))


def meets(value, goal):
    """True/False when goal reads like '≤ 14,000 bytes'; None when it cannot be checked."""
    match = GOAL.match(goal or "")
    if not match or value is None or math.isnan(value):
        return None
    return COMPARE[match.group(1)](float(value), float(match.group(2).replace(",", "")))


def run_module(name):
    """Rows from one module's run(); a module that raises becomes one error row."""
    started = time.perf_counter()
    try:
        rows = importlib.import_module(f"bench.{name}").run()
    except Exception as exc:  # noqa: BLE001 - one broken benchmark must not hide the others
        traceback.print_exc()
        # A failed child process (e.g. `flask init-db`) says why on its stderr, not in exc.
        why = (getattr(exc, "stderr", None) or b"").decode(errors="replace").strip().splitlines()[-1:]
        return [{"module": name, "metric": "ERROR", "value": None, "unit": "", "goal": None,
                 "ok": False, "error": " ".join([f"{type(exc).__name__}: {exc}"] + why)}]
    print(f"bench: {name} took {time.perf_counter() - started:.0f} s", file=sys.stderr)
    return [dict(r, module=name, ok=meets(r["value"], r.get("goal"))) for r in rows]


def main(argv):
    """Run the named modules (default: all), print the table, save the results."""
    names = [a.removeprefix("bench.").removesuffix(".py") for a in argv] or discover()
    unknown = [n for n in names if n not in discover()]
    if unknown:
        sys.exit(f"unknown benchmark(s): {', '.join(unknown)}; have: {', '.join(discover())}")
    rows = [r for name in names for r in run_module(name)]
    print_table(rows)
    for r in rows:
        if r.get("error"):
            print(f"{r['module']}: {r['error']}")
    report = {"when": dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
              "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
              "results": [dict(r, value=None if r["value"] is None or math.isnan(r["value"]) else r["value"])
                          for r in rows]}
    (HERE / "results.json").write_text(json.dumps(report, indent=1, ensure_ascii=False) + "\n")
    return 1 if any(r.get("error") for r in rows) else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
