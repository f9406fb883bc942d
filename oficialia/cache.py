"""A cache that outlives Redis. The rate-limit counters live in the shared Redis cache; when
Redis stops answering, every call goes to a fallback instead of failing the request: the
database cache (the counters go on being shared by every process, a little slower) or no
cache at all (the limits fail open), as OFICIALIA_LIMITES_SIN_REDIS says. Each switch is
logged, at most once a minute per process, so an outage is visible without flooding."""

import logging
import time

from django.core.cache import caches
from django.core.cache.backends.base import BaseCache

logger = logging.getLogger(__name__)

LOG_EVERY_SECONDS = 60


class FailoverCache(BaseCache):
    """OPTIONS: PRIMARY and FALLBACK, the aliases of two other caches in CACHES."""

    def __init__(self, location, params):
        super().__init__(params)
        options = params.get("OPTIONS", {})
        self._primary_alias = options["PRIMARY"]
        self._fallback_alias = options["FALLBACK"]
        self._last_logged = 0.0

    @property
    def primary(self) -> BaseCache:
        return caches[self._primary_alias]

    @property
    def fallback(self) -> BaseCache:
        return caches[self._fallback_alias]

    def _call(self, method: str, *args, **kwargs):
        try:
            return getattr(self.primary, method)(*args, **kwargs)
        except ValueError:
            raise  # Redis answered (incr of a key that is gone): not an outage
        except Exception as exc:
            now = time.monotonic()
            if now - self._last_logged >= LOG_EVERY_SECONDS:
                self._last_logged = now
                logger.warning(
                    "cache %s unreachable (%s: %s); using %s",
                    self._primary_alias,
                    type(exc).__name__,
                    exc,
                    self._fallback_alias,
                )
            return getattr(self.fallback, method)(*args, **kwargs)

    def add(self, key, value, timeout=None, version=None):
        return self._call("add", key, value, timeout, version)

    def get(self, key, default=None, version=None):
        return self._call("get", key, default, version)

    def set(self, key, value, timeout=None, version=None):
        return self._call("set", key, value, timeout, version)

    def touch(self, key, timeout=None, version=None):
        return self._call("touch", key, timeout, version)

    def delete(self, key, version=None):
        return self._call("delete", key, version)

    def get_many(self, keys, version=None):
        return self._call("get_many", keys, version)

    def set_many(self, data, timeout=None, version=None):
        return self._call("set_many", data, timeout, version)

    def delete_many(self, keys, version=None):
        return self._call("delete_many", keys, version)

    def has_key(self, key, version=None):
        return self._call("has_key", key, version)

    def incr(self, key, delta=1, version=None):
        """Like Django's, except for a counter that expired or was flushed between the caller's
        `add` and this call: its window starts again with this hit. Raising, as Django's does,
        made django-ratelimit refuse the request (a 429 nobody earned)."""
        try:
            return self._call("incr", key, delta, version)
        except ValueError:
            if self._call("add", key, delta, None, version):
                return delta
            return self._call("incr", key, delta, version)

    def decr(self, key, delta=1, version=None):
        return self._call("decr", key, delta, version)

    def clear(self):
        return self._call("clear")

    def close(self, **kwargs):
        for cache in (self.primary, self.fallback):
            try:
                cache.close(**kwargs)
            except Exception:
                logger.debug("closing a cache failed", exc_info=True)
