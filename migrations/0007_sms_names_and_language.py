"""A short SMS name per pool (never cut in a reply), and the SMS language each phone chose."""
from peewee import CharField

from core.program_year import SMS_NAMES
from migrations.helpers import add_column_if_missing
from models import Pool, SmsLanguage


def upgrade(db):
    """Add pool.sms_name (filled for the default pools) and the smslanguage table."""
    add_column_if_missing(db, "pool", "sms_name", CharField(max_length=20, default=""))
    for code, short in SMS_NAMES.items():
        Pool.update(sms_name=short).where((Pool.code == code) & (Pool.sms_name == "")).execute()
    db.create_tables([SmsLanguage], safe=True)
