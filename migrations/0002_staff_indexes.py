"""Indexes for the staff queue on a million rows: filters in id order, kecamatan, name search, flags."""
from migrations.helpers import add_index_if_missing

COLUMN_INDEXES = (
    ("year", "status", "region", "id"),
    ("year", "status", "occupation", "id"),
    ("year", "status", "channel", "id"),
    ("assisted_by", "year", "status", "id"),
    ("year", "created_at"),
)
# Expressions must read exactly like the queries' (staff/listing.py) for the planner to use them.
EXPRESSION_INDEXES = {
    "registration_year_status_kecamatan_id": "year, status, substr(region, 1, 8), id",
    "registration_name_lower": "lower(name)",
    "registration_birth_date_name": "birth_date, lower(name)",
}


def upgrade(db):
    """Add the indexes a database made before this migration lacks."""
    for columns in COLUMN_INDEXES:
        add_index_if_missing(db, "registration", list(columns))
    present = {i.name for i in db.get_indexes("registration")}
    for name, expressions in EXPRESSION_INDEXES.items():
        if name not in present:
            db.execute_sql(f"CREATE INDEX {name} ON registration ({expressions})")
