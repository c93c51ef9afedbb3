"""The re-verification list of the program year (core/reverification.py)."""
from models import Reverification


def upgrade(db):
    """Create the re-verification table and its indexes."""
    db.create_tables([Reverification], safe=True)
