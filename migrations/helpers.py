"""Small idempotent steps for migrations (see README.md)."""
from playhouse.migrate import SchemaMigrator, migrate


def add_column_if_missing(db, table, name, field):
    """Add a column unless the table has it already."""
    if name not in {c.name for c in db.get_columns(table)}:
        migrate(SchemaMigrator.from_database(db).add_column(table, name, field))


def add_index_if_missing(db, table, columns, unique=False):
    """Add an index over columns unless one with that name exists."""
    name = f"{table}_{'_'.join(columns)}"
    if name not in {i.name for i in db.get_indexes(table)}:
        migrate(SchemaMigrator.from_database(db).add_index(table, columns, unique))
