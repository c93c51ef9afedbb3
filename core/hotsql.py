"""INSERT statements written out once per column set and database kind, run with new values.

peewee builds SQL afresh for every query (a good part of a registration's CPU went there); the
rows a registration writes (registration, audit event, outbox message) are inserted with the
same statements built once. Values go through each field's db_value and missing fields get
their model default, as peewee's insert() would do.
"""
from models import Registration, db

_built = {}


def _row(model, values):
    """values (by field name) plus the model's defaults for the fields not given, in field order."""
    row = {}
    for name, field in model._meta.fields.items():
        if name in values:
            row[name] = values[name]
        elif field.default is not None:
            row[name] = field.default() if callable(field.default) else field.default
    unknown = set(values) - set(row)
    if unknown:
        raise TypeError(f"{model.__name__} has no field {sorted(unknown)}")
    return row


def _sql(model, names, suffix):
    """The INSERT of these fields of model for the open database's placeholder style."""
    param = db.obj.param
    key = (model, names, suffix, param)
    if key not in _built:
        columns = ", ".join(f'"{model._meta.fields[n].column_name}"' for n in names)
        _built[key] = (f'INSERT INTO "{model._meta.table_name}" ({columns}) '
                       f'VALUES ({", ".join([param] * len(names))}){suffix}')
    return _built[key]


def _execute(model, values, suffix=""):
    row = _row(model, values)
    names = tuple(row)
    params = [model._meta.fields[n].db_value(row[n]) for n in names]
    return row, db.execute_sql(_sql(model, names, suffix), params)


def insert(model, values):
    """Insert a row (dict by field name); the row as written, defaults included."""
    row, _ = _execute(model, values)
    return row


def insert_unless_taken(model, values):
    """Insert a row unless a unique key refuses it (ON CONFLICT DO NOTHING: no error, no
    savepoint, nothing in PostgreSQL's log); (row as written, its id) or (row, None)."""
    row, cursor = _execute(model, values, ' ON CONFLICT DO NOTHING RETURNING "id"')
    found = cursor.fetchall()
    return row, (found[0][0] if found else None)


def phone_count_and_nik_taken(year, phone, nik):
    """(counting registrations of phone in year, whether nik counts in year): one statement."""
    p = db.obj.param
    key = ("phone_nik", p)
    if key not in _built:
        _built[key] = (
            f'SELECT COUNT(*), EXISTS(SELECT 1 FROM "registration" WHERE "year" = {p} '
            f'AND "nik_active" = {p}) FROM "registration" WHERE "year" = {p} AND "phone" = {p} '
            'AND "nik_active" IS NOT NULL')
    year_id = Registration.year.db_value(year)
    count, taken = db.execute_sql(_built[key], [year_id, nik, year_id, phone]).fetchone()
    return count, bool(taken)
