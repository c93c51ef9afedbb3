"""Pools say "open" as program years do: the column `active` becomes `is_open`."""


def upgrade(db):
    """Rename pool.active to pool.is_open where the old name is still there."""
    columns = {c.name for c in db.get_columns("pool")}
    if "active" in columns and "is_open" not in columns:
        db.execute_sql("ALTER TABLE pool RENAME COLUMN active TO is_open")
