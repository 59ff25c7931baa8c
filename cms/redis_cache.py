"""Django's RedisCache, with one `redis.Redis` client kept per connection pool.

Django's `RedisCacheClient.get_client` builds a new `redis.Redis` for every cache operation, and
redis-py fills a table of ~170 response callbacks in each one: about 0.2 ms, half the cost of a
page answered by the whole-page cache (cms/page_cache.py). The client object only wraps the
pool, which hands out connections safely across threads and re-creates them after a fork, so
keeping one per pool changes nothing else. Storage, keys and serialization stay Django's own.

It also skips Django's memcached key check: on every read and write `BaseCache.validate_key`
walks each character of each key to warn about keys memcached would refuse (over 250
characters, spaces, control characters). Redis takes any key, and the page cache reads seven
keys per hit, so the check cost more than the lookup's own Python work.
"""

from __future__ import annotations

from django.core.cache.backends import redis as django_redis


class RedisCacheClient(django_redis.RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(pool)
        if client is None:
            client = self._clients[pool] = self._client(connection_pool=pool)
        return client


class RedisCache(django_redis.RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = RedisCacheClient

    def validate_key(self, key):
        pass  # memcached's key rules do not bind Redis (see above)
