"""Keyset pages: rows past a cursor (an id), never OFFSET, so page 1,000 is as quick as page 1."""
PAGE_SIZE = 50


def read_cursor(value):
    """The cursor from a query string value: a non-negative id, else 0 (no cursor)."""
    return int(value) if value and value.isascii() and value.isdigit() and len(value) < 19 else 0


def keyset_page(queries, key, cursor=0, size=PAGE_SIZE, newest_first=False, read=iter):
    """(rows, cursor of the next page or None): the first `size` rows past cursor, over queries.

    queries: one peewee query or several (their rows merged in key order); key: the id field;
    read: how a query's rows are read (iterated by default). Oldest first continues after cursor;
    newest_first continues before it.
    """
    queries = queries if isinstance(queries, (list, tuple)) else [queries]
    past = (key < cursor) if newest_first else (key > cursor)
    order = key.desc() if newest_first else key
    rows = [row for query in queries
            for row in read((query.where(past) if cursor else query).order_by(order).limit(size + 1))]
    rows.sort(key=lambda row: getattr(row, key.name), reverse=newest_first)
    more = len(rows) > size
    rows = rows[:size]
    return rows, (getattr(rows[-1], key.name) if more else None)
