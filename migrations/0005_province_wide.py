"""Province-wide: region aliases, staff tied to a regency, DTKS matches and the DTKS list."""
from peewee import BooleanField, CharField

from migrations.helpers import add_column_if_missing


def upgrade(db):
    """Add the columns and the dtksnik table where they are missing."""
    from models import DtksNik

    add_column_if_missing(db, "region", "aliases", CharField(max_length=200, null=True))
    add_column_if_missing(db, "staffuser", "region", CharField(max_length=16, null=True))
    add_column_if_missing(db, "registration", "dtks_confirmed", BooleanField(default=False))
    db.create_tables([DtksNik], safe=True)
    # The queue of one regency, in id order (staff/listing.py writes the same expression).
    if "registration_year_status_regency_id" not in {i.name for i in db.get_indexes("registration")}:
        db.execute_sql("CREATE INDEX registration_year_status_regency_id ON registration "
                       "(year, status, substr(region, 1, 5), id)")
