"""SELECTs the public pages run on every view, written out once per database kind.

peewee builds a query's SQL afresh each time, and for a small read that is most of the CPU (the
home page's pools joined to their year: ~1.5 ms to build, 0.05 ms to run on SQLite). These
reads keep their SQL text and turn each row into model instances through every field's
python_value, as peewee's own reads do.
"""
from models import Pool, ProgramYear, Registration, db

_built = {}


def _sql(models, tail):
    """SELECT every column of models (aliased t0, t1, …) followed by tail, for this database."""
    param = db.obj.param
    key = (models, tail, param)
    if key not in _built:
        columns = ", ".join(f't{i}."{f.column_name}"' for i, model in enumerate(models)
                            for f in model._meta.sorted_fields)
        _built[key] = f"SELECT {columns} {tail.format(p=param)}"
    return _built[key]


def _instance(model, values):
    """A model instance from a row's values in field order, as if read by peewee; None when
    every value is NULL (an outer join that found no row)."""
    if all(v is None for v in values):
        return None
    fields = model._meta.sorted_fields
    found = model(__no_default__=True, **{f.name: f.python_value(v) for f, v in zip(fields, values)})
    found._dirty.clear()
    return found


def select(models, tail, params):
    """Rows of `SELECT <columns of models> <tail>` as tuples of instances (None for an outer
    join's miss). tail names models t0, t1, … and writes each parameter as {p}."""
    widths = [len(model._meta.sorted_fields) for model in models]
    rows = []
    for row in db.execute_sql(_sql(tuple(models), tail), params).fetchall():
        found, start = [], 0
        for model, width in zip(models, widths):
            found.append(_instance(model, row[start:start + width]))
            start += width
        rows.append(tuple(found))
    return rows


def _attach(instance, name, related):
    """Set a foreign key's object as peewee does when it reads a join (no later query)."""
    setattr(instance, name, related)
    instance._dirty.discard(name)


def current_year_and_pools():
    """(the current ProgramYear or None, its pools by priority then id): one statement."""
    rows = select((ProgramYear, Pool), 'FROM "programyear" AS t0 LEFT OUTER JOIN "pool" AS t1 '
                  'ON t1."year" = t0."year" WHERE t0."is_current" = {p} '
                  'ORDER BY t1."priority", t1."id"', [ProgramYear.is_current.db_value(True)])
    if not rows:
        return None, []
    year = rows[0][0]
    pools = [pool for _, pool in rows if pool is not None]
    for pool in pools:
        _attach(pool, "year", year)
    return year, pools


def registration_with_pool(registration_id):
    """The Registration with this id, its pool read with it, or None: one statement."""
    rows = select((Registration, Pool), 'FROM "registration" AS t0 LEFT OUTER JOIN "pool" AS t1 '
                  'ON t1."id" = t0."pool" WHERE t0."id" = {p}', [registration_id])
    if not rows:
        return None
    registration, pool = rows[0]
    if pool is not None:
        _attach(registration, "pool", pool)
    return registration


def own_registration(nik, ref=None, birth_date=None):
    """The registration with this NIK and code (when ref is not None) or birth date, the
    counting one first, then the newest; None. One statement."""
    column, value = (("ref", ref) if ref is not None
                     else ("birth_date", Registration.birth_date.db_value(birth_date)))
    rows = select((Registration,), f'FROM "registration" AS t0 WHERE t0."nik" = {{p}} '
                  f'AND t0."{column}" = {{p}} ORDER BY t0."nik_active" IS NULL, t0."id" DESC '
                  'LIMIT 1', [nik, value])
    return rows[0][0] if rows else None
