"""Small idempotent steps for migrations (see README.md)."""
from playhouse.migrate import SchemaMigrator, migrate


def add_column_if_missing(db, table, name, field):
    """Add a column unless the table has it already."""
    if name in {c.name for c in db.get_columns(table)}:
        return
    if db.param == "?" and not field.null and field.default is not None:
        # peewee makes a NOT NULL column on SQLite by rebuilding the table (copy, drop, rename),
        # and the drop is refused once rows of another table refer to it by foreign key. SQLite
        # adds such a column in place when it has a constant default.
        kind = db.get_context_options()["field_types"].get(field.field_type, field.field_type)
        db.execute_sql(f'ALTER TABLE "{table}" ADD COLUMN "{name}" {kind} NOT NULL '
                       f"DEFAULT {_literal(field.db_value(field.default))}")
        return
    migrate(SchemaMigrator.from_database(db).add_column(table, name, field))


def _literal(value):
    """A constant default as SQL text: a number, or a quoted string (ValueError otherwise)."""
    if isinstance(value, bool):
        return str(int(value))
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, str):
        return "'" + value.replace("'", "''") + "'"
    raise ValueError(f"no SQL literal for default {value!r}")


def add_index_if_missing(db, table, columns, unique=False):
    """Add an index over columns unless one with that name exists."""
    name = f"{table}_{'_'.join(columns)}"
    if name not in {i.name for i in db.get_indexes(table)}:
        migrate(SchemaMigrator.from_database(db).add_index(table, columns, unique))


# What moves the reference generation (core/refcache.py): every change to these tables, and to
# the pool columns named (never `held`: seats move on every registration and are never cached).
BUMP = 'UPDATE "reference_generation" SET "generation" = "generation" + 1 WHERE "id" = 1'


# PostgreSQL: pool changes that can make a pool serve someone it did not (a new pool, one opened,
# one no longer requiring DTKS) take the reference gate exclusive as they raise the generation,
# so a newcomer joining the waiting list meanwhile is seen by them or sees them (core/hotsql.py
# gate_reference). Nothing else takes it: a region import or a capacity change must not make
# every newcomer to a full pool wait for its commit.
GATED = {"pool": ("year", "region_prefix", "is_open", "requires_dtks")}


def make_reference_function(db):
    """PostgreSQL: (re)make the trigger functions: reference_changed() raises the generation,
    reference_opened() takes the reference gate exclusive first."""
    from core.hotsql import REFERENCE_GATE

    for name, first in (("reference_changed", ""),
                        ("reference_opened", f"PERFORM pg_advisory_xact_lock({REFERENCE_GATE}, 0); ")):
        db.execute_sql(f"CREATE OR REPLACE FUNCTION {name}() RETURNS trigger LANGUAGE plpgsql "
                       f"AS $$ BEGIN {first}{BUMP}; RETURN NULL; END $$")


def watch_reference_tables(db, watched):
    """(Re)make the triggers that raise the generation; watched: {table: [columns] or None (all)}.

    A later migration that adds a column to a watched table calls it again with the new list.
    """
    sqlite = db.param == "?"
    if not sqlite:
        make_reference_function(db)
    for table, columns in watched.items():
        if sqlite:  # no statement-level triggers: one per event, one bump per row
            update = "UPDATE OF " + ", ".join(f'"{c}"' for c in columns) if columns else "UPDATE"
            for event in ("INSERT", "DELETE", update):
                name = f"reference_{table}_{event.split()[0].lower()}"
                db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}"')
                db.execute_sql(f'CREATE TRIGGER "{name}" AFTER {event} ON "{table}" '
                               f"BEGIN {BUMP}; END")
            continue
        every = columns or [c.name for c in db.get_columns(table)]
        gated = [c for c in GATED.get(table, ()) if c in every]  # as the table stands now
        plain = [c for c in every if c not in gated] if gated or columns else None
        changed = (["DELETE"] + ([] if gated else ["INSERT"])
                   + ([_update_of(plain)] if plain != [] else []))
        opened = ["INSERT", _update_of(gated)] if gated else []
        # Each column in one trigger's list only: a change moves the generation once.
        for name, events, function in ((f"reference_{table}_changed", changed, "reference_changed"),
                                       (f"reference_{table}_opened", opened, "reference_opened")):
            db.execute_sql(f'DROP TRIGGER IF EXISTS "{name}" ON "{table}"')
            if events:
                db.execute_sql(f'CREATE TRIGGER "{name}" AFTER {" OR ".join(events)} ON "{table}" '
                               f"FOR EACH STATEMENT EXECUTE FUNCTION {function}()")


def _update_of(columns):
    """A trigger event: UPDATE of these columns (None: of any)."""
    return "UPDATE OF " + ", ".join(f'"{c}"' for c in columns) if columns else "UPDATE"
