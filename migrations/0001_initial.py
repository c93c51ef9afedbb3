"""Create every table of models.py (see README.md for why later steps are idempotent)."""
from models import ALL_MODELS


def upgrade(db):
    """Create the tables and their indexes."""
    db.create_tables(ALL_MODELS, safe=True)
