"""Open the database by URL and bring its schema up to date."""
import importlib.util
from pathlib import Path

from playhouse.db_url import connect

from models import SchemaMigration, db

MIGRATIONS = Path(__file__).resolve().parent / "migrations"
SQLITE_PRAGMAS = {
    "journal_mode": "wal",
    "busy_timeout": 20000,
    # NORMAL in WAL mode keeps every commit across a crash of the process (kill -9).
    "synchronous": "normal",
    "foreign_keys": 1,
}


def open_database(url):
    """Connect the models' proxy to the database named by url and return it."""
    params = {}
    if url.startswith("sqlite"):
        path = url.split("///", 1)[-1]
        if path and path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        # BEGIN IMMEDIATE takes the write lock up front, so two writers never deadlock.
        params = {"pragmas": SQLITE_PRAGMAS, "lock_type": "IMMEDIATE"}
    database = connect(url, **params)
    db.initialize(database)
    return database


def migration_files():
    """Migration modules in the order they apply."""
    return sorted(MIGRATIONS.glob("[0-9][0-9][0-9][0-9]_*.py"))


def migrate():
    """Apply every migration not yet recorded; return the names applied."""
    with db.connection_context():
        db.create_tables([SchemaMigration], safe=True)
        done = {m.name for m in SchemaMigration.select()}
        applied = []
        for path in migration_files():
            if path.stem in done:
                continue
            spec = importlib.util.spec_from_file_location(f"migration_{path.stem}", path)
            module = importlib.util.module_from_spec(spec)
            spec.loader.exec_module(module)
            with db.atomic():
                module.upgrade(db)
                SchemaMigration.create(name=path.stem)
            applied.append(path.stem)
        return applied
