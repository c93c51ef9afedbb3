"""A generation number that moves with reference data, so each process may cache it (core/refcache.py)."""
from core.refcache import first_generation
from migrations.helpers import watch_reference_tables

# Every column of pool but id and held, as they stand at this migration.
POOL_COLUMNS = ("code", "name", "year", "region_prefix", "capacity", "priority", "is_open",
                "requires_dtks", "sms_name")
WATCHED = {"programyear": None, "region": None, "occupation": None, "pool": POOL_COLUMNS}


def upgrade(db):
    """Make the table and its one row (a random start) and the triggers that raise the number."""
    from models import ReferenceGeneration

    db.create_tables([ReferenceGeneration], safe=True)
    if not ReferenceGeneration.select().where(ReferenceGeneration.id == 1).exists():
        ReferenceGeneration.create(id=1, generation=first_generation())
    watch_reference_tables(db, WATCHED)
