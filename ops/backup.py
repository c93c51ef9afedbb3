"""Online backup and restore: SQLite's backup API, pg_dump / pg_restore for PostgreSQL."""
import glob
import os
import re
import shutil
import sqlite3
import subprocess
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import unquote, urlparse

import psycopg2

from core.refcache import first_generation
from models import db

SQLITE_MAGIC, PG_MAGIC = b"SQLite format 3\x00", b"PGDMP"


class BackupError(RuntimeError):
    """A backup or restore that could not be done; the message says why (no personal data)."""


@dataclass
class Done:
    """What a backup or restore did."""

    kind: str
    path: Path
    size: int
    steps: int  # pages copied (SQLite) or tables dumped/restored (PostgreSQL)


def kind_of(url):
    """'sqlite' or 'postgres' for a database URL."""
    scheme = url.split(":", 1)[0]
    if scheme.startswith("sqlite"):
        return "sqlite"
    if scheme.startswith("postgres"):
        return "postgres"
    raise BackupError(f"backups support SQLite and PostgreSQL, not {scheme}")


def sqlite_file(url):
    """The file of a sqlite:/// URL."""
    return Path(url.split("///", 1)[-1])


def pg_program(name):
    """A PostgreSQL client program (newest installed version), like tests/pgserver.py finds it."""
    found = sorted(glob.glob(f"/usr/lib/postgresql/*/bin/{name}"),
                   key=lambda p: int(p.split("/")[4].split(".")[0]))
    program = found[-1] if found else shutil.which(name)
    if not program:
        raise BackupError(f"{name} is not installed (Debian package postgresql-client)")
    return program


def pg_env(url):
    """libpq's environment for a URL, so no password shows in the process list."""
    parts = urlparse(url)
    env = dict(os.environ, PGHOST=parts.hostname or "localhost", PGPORT=str(parts.port or 5432),
               PGDATABASE=unquote(parts.path.lstrip("/")), LC_MESSAGES="C")
    if parts.username:
        env["PGUSER"] = unquote(parts.username)
    if parts.password:
        env["PGPASSWORD"] = unquote(parts.password)
    for pair in filter(None, parts.query.split("&")):
        key, _, value = pair.partition("=")
        if key == "sslmode":
            env["PGSSLMODE"] = value
    return env


def run_pg(args, url, marker, progress):
    """Run pg_dump/pg_restore --verbose; advance progress per table line that has `marker`."""
    steps = 0
    with subprocess.Popen(args, env=pg_env(url), stderr=subprocess.PIPE, text=True) as proc:
        errors = []
        for line in proc.stderr:
            if marker in line:
                steps += 1
                if progress:
                    progress(1)
            elif ": error:" in line:
                # Keep the reason, never a row: long digit runs (NIK, phone) are blanked.
                errors.append(re.sub(r"\d{6,}", "…", line.strip())[:200])
    if proc.returncode != 0:
        reason = " ".join(errors[-3:]) or f"exit code {proc.returncode}"
        raise BackupError(f"{Path(args[0]).name} failed: {reason}")
    return steps


def backup(url, path, progress=None):
    """Copy the database at url to path while it stays in use; progress(n) as it goes."""
    path = Path(path)
    partial = path.with_name(path.name + ".part")
    if not path.parent.is_dir():
        raise BackupError(f"no folder {path.parent}")
    if kind_of(url) == "sqlite":
        if not sqlite_file(url).is_file():
            raise BackupError(f"no database file {sqlite_file(url)}")
        source = sqlite3.connect(sqlite_file(url), timeout=30)
        target = sqlite3.connect(partial)
        total = source.execute("PRAGMA page_count").fetchone()[0]
        try:
            # One step is one read snapshot: writers carry on (WAL), and no restart can loop.
            source.backup(target, pages=-1)
            check = target.execute("PRAGMA quick_check").fetchone()[0]
        finally:
            target.close()
            source.close()
        if check != "ok":
            partial.unlink(missing_ok=True)
            raise BackupError("the copy failed its integrity check")
        if progress:
            progress(total)
        steps = total
    else:
        args = [pg_program("pg_dump"), "--format=custom", "--verbose", "--no-owner",
                f"--file={partial}"]
        try:
            steps = run_pg(args, url, "dumping contents of table", progress)
        except BackupError:
            partial.unlink(missing_ok=True)
            raise
    os.replace(partial, path)
    return Done(kind_of(url), path, path.stat().st_size, steps)


def restore(url, path, progress=None):
    """Replace the contents of the database at url with a backup made by backup()."""
    path = Path(path)
    with open(path, "rb") as f:
        head = f.read(16)
    if kind_of(url) == "sqlite":
        if head != SQLITE_MAGIC:
            raise BackupError("not a SQLite backup")
        source = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
        target = sqlite3.connect(sqlite_file(url), timeout=30)
        try:
            if source.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise BackupError("the backup failed its integrity check")
            source.backup(target, pages=-1)
            steps = target.execute("PRAGMA page_count").fetchone()[0]
            renumber(target, "sqlite")
        finally:
            target.close()
            source.close()
        if progress:
            progress(steps)
    else:
        if not head.startswith(PG_MAGIC):
            raise BackupError("not a pg_dump custom-format backup")
        args = [pg_program("pg_restore"), "--verbose", "--clean", "--if-exists", "--no-owner",
                "--no-privileges", "--single-transaction", "--exit-on-error",
                f"--dbname={pg_env(url)['PGDATABASE']}", str(path)]
        steps = run_pg(args, url, "processing data for table", progress)
        with psycopg2.connect(url) as conn:
            renumber(conn, "postgres")
        conn.close()
    return Done(kind_of(url), path, path.stat().st_size, steps)


def renumber(conn, kind):
    """Give a restored database a new random reference generation (core/refcache.py).

    The backup's number may come round again after later changes; a server left running would
    then trust reference data it cached from other rows. A backup older than the number has
    no table: migrate() makes it.
    """
    catalog, mark = (("sqlite_master", "?") if kind == "sqlite"
                     else ("information_schema.tables", "%s"))
    name = "name" if kind == "sqlite" else "table_name"
    cursor = conn.cursor()
    cursor.execute(f"SELECT 1 FROM {catalog} WHERE {name} = 'reference_generation'")
    if cursor.fetchone():
        cursor.execute(f'UPDATE "reference_generation" SET "generation" = {mark}',
                       (first_generation(),))
    conn.commit()


def size_hint(url):
    """(how many steps a backup will report, their unit), for a progress bar."""
    if kind_of(url) == "sqlite":
        return db.execute_sql("PRAGMA page_count").fetchone()[0], "pages"
    return len(db.get_tables()), "tables"
