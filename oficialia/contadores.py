"""Gap-free counters: folios per series and year, fichas per secretaría and day.

The next number is taken with one UPDATE ... SET n = n + 1 ... RETURNING n on the counter's
row, inside the caller's transaction. The UPDATE holds the row lock until that transaction ends, so
concurrent callers queue on it and each sees the number the one before committed; a caller
that fails rolls its increment back with everything else, so no number is ever skipped. The
first number of a period creates the row: a concurrent first caller fails on the unique
constraint inside a savepoint and takes the UPDATE path.
"""

from django.db import IntegrityError, models, transaction


def next_number(model: type[models.Model], field: str, **key) -> int:
    """Increment `field` of the `model` row identified by `key` (created at 1) and return it.

    Must run inside the transaction that stores what the number names.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a gap-free number must be taken inside the caller's transaction")
    connection = transaction.get_connection()
    quote = connection.ops.quote_name
    column = quote(model._meta.get_field(field).column)
    where, params = [], []
    for name, value in key.items():
        key_field = model._meta.get_field(name)
        where.append(f"{quote(key_field.column)} = %s")
        params.append(key_field.get_db_prep_value(value, connection))
    increment = (
        f"UPDATE {quote(model._meta.db_table)} SET {column} = {column} + 1"
        f" WHERE {' AND '.join(where)} RETURNING {column}"
    )
    with connection.cursor() as cursor:
        cursor.execute(increment, params)
        row = cursor.fetchone()
    if row is not None:
        return row[0]
    try:
        with transaction.atomic():
            model.objects.create(**key, **{field: 1})
    except IntegrityError:
        with connection.cursor() as cursor:
            cursor.execute(increment, params)
            return cursor.fetchone()[0]
    return 1
