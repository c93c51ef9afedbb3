"""Changes to reference data take the reference gate exclusive (PostgreSQL), so a newcomer
joining the waiting list never misses a pool created or opened to them meanwhile."""
from migrations.helpers import make_reference_function


def upgrade(db):
    """Remake the generation trigger's function with the gate (the triggers call it by name)."""
    if db.param != "?":
        make_reference_function(db)
