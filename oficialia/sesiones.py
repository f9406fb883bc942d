"""Sessions in the database, as Django keeps them, in one statement when one is created.

Django's database sessions ask whether a new random key exists before using it, then insert
the row inside a transaction of its own: four round trips (SELECT, BEGIN, INSERT, COMMIT) on
a citizen's first /consulta/. The key is 32 characters drawn from 36, and the row's primary
key refuses a clash anyway (CreateError, and Django's create() draws another key), so the
question is dropped; outside a transaction the INSERT is atomic by itself."""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import VALID_KEY_CHARS, CreateError
from django.db import IntegrityError, connections, router
from django.utils.crypto import get_random_string


class SessionStore(db.SessionStore):
    def _get_new_session_key(self) -> str:
        return get_random_string(32, VALID_KEY_CHARS)

    def save(self, must_create: bool = False) -> None:
        if not must_create or self.session_key is None:
            return super().save(must_create)
        obj = self.create_model_instance(self._get_session(no_load=True))
        using = router.db_for_write(self.model, instance=obj)
        if connections[using].in_atomic_block:
            # Inside the caller's transaction the INSERT needs its savepoint, so that a
            # clash does not break the transaction.
            return super().save(must_create)
        try:
            obj.save(force_insert=True, using=using)
        except IntegrityError as exc:
            raise CreateError from exc
        return None
