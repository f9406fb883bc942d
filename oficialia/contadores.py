"""Gap-free counters: folios per series and year, fichas per secretaría and day.

The next number is taken with an UPDATE ... SET n = n + 1 on the counter's row, inside the
caller's transaction. The UPDATE holds the row lock until that transaction ends, so
concurrent callers queue on it and each sees the number the one before committed; a caller
that fails rolls its increment back with everything else, so no number is ever skipped. The
first number of a period creates the row: a concurrent first caller fails on the unique
constraint inside a savepoint and takes the UPDATE path.
"""

from django.db import IntegrityError, models, transaction
from django.db.models import F


def next_number(model: type[models.Model], field: str, **key) -> int:
    """Increment `field` of the `model` row identified by `key` (created at 1) and return it.

    Must run inside the transaction that stores what the number names.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("a gap-free number must be taken inside the caller's transaction")
    counter = model.objects.filter(**key)
    if not counter.update(**{field: F(field) + 1}):
        try:
            with transaction.atomic():
                model.objects.create(**key, **{field: 1})
        except IntegrityError:
            counter.update(**{field: F(field) + 1})
    return counter.values_list(field, flat=True).get()
