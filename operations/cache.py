"""
Django's Redis cache, made to fail soft: when Redis is down or frozen, the site keeps
serving from the database instead of answering 500 or hanging. How and why:
docs/notes/faults.md.

- Every call waits at most the connect and socket timeouts set in settings
  (`DJANGO_REDIS_TIMEOUT`).
- After a failure this process leaves Redis alone for `RETRY_AFTER` seconds rather than
  wait on every request; then the next call tries again.
- Meanwhile reads miss and writes are skipped, but deletions are always tried: they are
  how a change retires what it made out of date. The keys this process could not write
  or delete are deleted as soon as Redis answers again, so nothing kept from before an
  outage outlives a change made during it (the page cache's content version, the
  glossary's terms, the Easy Read pairings).
"""

import logging
import time

from django.core.cache.backends.redis import RedisCache
from redis.exceptions import RedisError

logger = logging.getLogger(__name__)


class FailSoftRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self.retry_after = float(params.get("RETRY_AFTER", 5))
        self.down_until = 0.0
        self.unwritten = set()  # keys to delete once Redis answers again

    def attempt(self, call, failed, written=(), always=False):
        """call()'s answer, or `failed` while Redis is unreachable; the keys `written`
        then are remembered, to be deleted when Redis is back. A deletion is `always`
        tried, pause or not: it is what retires what a change made out of date, and
        Redis may be back before this process's pause is over."""
        if always or time.monotonic() >= self.down_until:
            try:
                if self.unwritten:
                    self.delete_unwritten()
                    logger.warning("Cache: Redis answers again")
                return call()
            except RedisError as error:
                if not self.unwritten:
                    logger.error("Cache: Redis is unavailable (%s); serving without it", error)
                self.down_until = time.monotonic() + self.retry_after
        self.unwritten.update(written)
        return failed

    def delete_unwritten(self):
        versions = {}
        for key, version in self.unwritten:
            versions.setdefault(version, []).append(key)
        for version, keys in versions.items():
            super().delete_many(keys, version)
        self.unwritten.clear()

    def get(self, key, default=None, version=None):
        read = super().get
        return self.attempt(lambda: read(key, default, version), default)

    def get_many(self, keys, version=None):
        read = super().get_many
        return self.attempt(lambda: read(keys, version), {})

    def has_key(self, key, version=None):
        read = super().has_key
        return self.attempt(lambda: read(key, version), False)

    def add(self, key, value, timeout=None, version=None, **kwargs):
        write = super().add
        return self.attempt(lambda: write(key, value, timeout, version), False, [(key, version)])

    def set(self, key, value, timeout=None, version=None, **kwargs):
        write = super().set
        self.attempt(lambda: write(key, value, timeout, version), None, [(key, version)])

    def set_many(self, data, timeout=None, version=None, **kwargs):
        write = super().set_many
        written = [(key, version) for key in data]
        return self.attempt(lambda: write(data, timeout, version), list(data), written)

    def touch(self, key, timeout=None, version=None):
        write = super().touch
        return self.attempt(lambda: write(key, timeout, version), False, [(key, version)])

    def delete(self, key, version=None):
        write = super().delete
        return self.attempt(lambda: write(key, version), False, [(key, version)], always=True)

    def delete_many(self, keys, version=None):
        write = super().delete_many
        written = [(key, version) for key in keys]
        self.attempt(lambda: write(keys, version), None, written, always=True)

    def incr(self, key, delta=1, version=None):
        write = super().incr
        # As when the key has expired: the caller starts again from nothing.
        answer = self.attempt(lambda: write(key, delta, version), None, [(key, version)])
        if answer is None:
            raise ValueError(f"Key '{key}' not found")
        return answer

    def clear(self):
        return self.attempt(super().clear, False)
