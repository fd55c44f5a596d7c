"""DUDAO_CACHE_URL: empty = the process's own memory, redis:// = Django's RedisCache, db:// =
Django's DatabaseCache whose table migrate makes; anything else refuses to start, in Chinese."""

from __future__ import annotations

import pytest
from django.core.cache import caches
from django.db import connection
from django.test import override_settings

from config.settings import _caches
from dudao.core.apps import _create_cache_table

from .test_settings import _run


def test_it_maps_each_url_to_a_backend():
    assert _caches("")["BACKEND"].endswith("LocMemCache")
    redis = _caches("redis://127.0.0.1:6379/0")
    assert redis["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert redis["LOCATION"] == "redis://127.0.0.1:6379/0"
    assert _caches("db://") == {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "dudao_cache",
    }
    assert _caches("db://other_cache")["LOCATION"] == "other_cache"


def test_it_refuses_to_start_with_a_cache_url_it_does_not_know():
    result = _run(
        {"DUDAO_DEBUG": "1", "DUDAO_CACHE_URL": "memcached://127.0.0.1:11211"},
        "import django; django.setup()",
    )
    assert result.returncode != 0
    assert "DUDAO_CACHE_URL 无法识别" in result.stderr
    bad_table = _run(
        {"DUDAO_DEBUG": "1", "DUDAO_CACHE_URL": "db://x;drop"}, "import django; django.setup()"
    )
    assert bad_table.returncode != 0 and "表名无效" in bad_table.stderr


@pytest.mark.django_db(transaction=True)
def test_migrate_makes_the_database_cache_table():
    db_cache = {"default": _caches("db://dudao_cache_probe")}
    with override_settings(CACHES=db_cache):
        assert "dudao_cache_probe" not in connection.introspection.table_names()
        _create_cache_table(sender=None, using="default", verbosity=0)
        try:
            assert "dudao_cache_probe" in connection.introspection.table_names()
            cache = caches.create_connection("default")
            cache.set("probe", {"n": 1}, 60)
            assert cache.get("probe") == {"n": 1}
        finally:
            with connection.cursor() as cursor:
                cursor.execute("DROP TABLE dudao_cache_probe")
