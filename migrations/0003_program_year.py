"""The re-verification list of the program year (reverification.py)."""
from core.reverification import Reverification


def upgrade(db):
    """Create the re-verification table and its indexes."""
    db.create_tables([Reverification], safe=True)
