import uuid

import pytest
from django.core.cache import caches
from opentelemetry.trace import SpanKind

from hotpath_django.cache import key_prefix, keys_prefix


def unique(prefix):
    return f"{prefix}:{uuid.uuid4().hex}"


def cache_spans(spans):
    return spans.with_prefix("django.cache.")


@pytest.mark.parametrize(
    "key, prefix",
    [
        ("user:42:profile", "user"),
        ("user.42", "user"),
        ("user/42", "user"),
        ("user42", "user"),
        ("session|abc", "session"),
        ("mail@example.com", "mail"),
        ("product-list:page:3", "product-list"),
        ("views.decorators.cache.cache_page.x.GET.abc", "views"),
        ("42", ""),
        ("plainname", "plainname"),
    ],
)
def test_key_prefix_is_the_key_up_to_the_first_separator_or_digit(key, prefix):
    assert key_prefix(key) == prefix


def test_multi_key_prefix_lists_distinct_prefixes_sorted():
    assert keys_prefix(["b:1", "a:2", "b:3"]) == "a,b"


def test_get_miss_then_hit_flags_and_prefix_without_full_key(spans):
    cache = caches["default"]
    key = unique("user")
    assert cache.get(key) is None
    cache.set(key, "value", 30)
    assert cache.get(key) == "value"
    get_miss, get_hit = spans.named("django.cache.get")
    assert get_miss.attributes["hotpath.cache.hit"] is False
    assert get_hit.attributes["hotpath.cache.hit"] is True
    for span in (get_miss, get_hit, spans.one("django.cache.set")):
        assert span.kind is SpanKind.INTERNAL
        assert span.attributes["hotpath.kind"] == "cache"
        assert span.attributes["hotpath.cache.key_prefix"] == "user"
        assert span.attributes["hotpath.cache.alias"] == "default"
        assert span.attributes["hotpath.cache.backend"] == "django.core.cache.backends.locmem.LocMemCache"
        assert "hotpath.cache.key" not in span.attributes
        assert key.split(":")[1] not in str(dict(span.attributes))


def test_cached_none_counts_as_hit_and_caller_default_is_returned_on_miss(spans):
    cache = caches["default"]
    key = unique("nullable")
    assert cache.get(key, "fallback") == "fallback"
    cache.set(key, None, 30)
    assert cache.get(key, "fallback") is None
    miss, hit = spans.named("django.cache.get")
    assert miss.attributes["hotpath.cache.hit"] is False
    assert hit.attributes["hotpath.cache.hit"] is True


def test_full_key_is_recorded_only_when_enabled(spans, reconfigure):
    reconfigure(cache_full_keys=True)
    key = unique("user")
    caches["default"].get(key)
    caches["default"].get_many([key, "other:1"])
    assert spans.one("django.cache.get").attributes["hotpath.cache.key"] == key
    assert list(spans.one("django.cache.get_many").attributes["hotpath.cache.key"]) == [key, "other:1"]


def test_get_or_set_is_one_span_with_miss_then_hit(spans):
    cache = caches["default"]
    key = unique("report")
    assert cache.get_or_set(key, lambda: "computed", 30) == "computed"
    assert cache.get_or_set(key, lambda: "other", 30) == "computed"
    first, second = spans.named("django.cache.get_or_set")
    assert first.attributes["hotpath.cache.hit"] is False
    assert second.attributes["hotpath.cache.hit"] is True
    # get_or_set calls get and add internally: no spans for those.
    assert [s.name for s in cache_spans(spans)] == ["django.cache.get_or_set"] * 2


def test_get_or_set_with_plain_default_reports_hit_from_its_inner_get(spans):
    cache = caches["default"]
    key = unique("flag")
    cache.get_or_set(key, "v", 30)
    cache.get_or_set(key, "v", 30)
    first, second = spans.named("django.cache.get_or_set")
    assert (first.attributes["hotpath.cache.hit"], second.attributes["hotpath.cache.hit"]) == (False, True)


def test_cache_calls_inside_a_get_or_set_callable_get_their_own_spans(spans):
    cache = caches["default"]
    outer_key, inner_key = unique("outer"), unique("inner")
    cache.get_or_set(outer_key, lambda: cache.get(inner_key, "x"), 30)
    outer = spans.one("django.cache.get_or_set")
    inner = spans.one("django.cache.get")
    assert spans.parent_of(inner) == outer
    assert inner.attributes["hotpath.cache.key_prefix"] == "inner"


def test_get_many_reports_hit_and_miss_counts_and_accepts_an_iterator(spans):
    cache = caches["default"]
    present, absent = unique("item"), unique("item")
    cache.set(present, 1, 30)
    result = cache.get_many(iter([present, absent]))
    assert result == {present: 1}
    span = spans.one("django.cache.get_many")
    assert span.attributes["hotpath.cache.hits"] == 1
    assert span.attributes["hotpath.cache.misses"] == 1
    assert span.attributes["hotpath.cache.key_prefix"] == "item"


def test_every_public_operation_gets_a_span_named_after_it(spans):
    cache = caches["default"]
    key = unique("counter")
    cache.add(key, 1, 30)
    cache.incr(key)
    cache.decr(key)
    cache.touch(key, 60)
    assert cache.has_key(key)
    cache.set_many({unique("bulk"): 1, unique("bulk"): 2}, 30)
    cache.delete(key)
    cache.delete_many([unique("bulk")])
    assert not cache.has_key(key)
    cache.clear()
    names = [s.name.removeprefix("django.cache.") for s in cache_spans(spans)]
    assert names == ["add", "incr", "decr", "touch", "has_key", "set_many", "delete", "delete_many",
                     "has_key", "clear"]
    has_hit, has_miss = spans.named("django.cache.has_key")
    assert has_hit.attributes["hotpath.cache.hit"] is True and has_miss.attributes["hotpath.cache.hit"] is False
    assert spans.one("django.cache.set_many").attributes["hotpath.cache.key_prefix"] == "bulk"
    assert "hotpath.cache.key_prefix" not in spans.one("django.cache.clear").attributes


def test_errors_from_the_backend_propagate_and_mark_the_span(spans):
    with pytest.raises(ValueError):
        caches["default"].incr(unique("missing"))
    assert spans.one("django.cache.incr").status.status_code.name == "ERROR"


def test_file_based_cache_spans_name_the_backend_and_alias(spans):
    cache = caches["file"]
    key = unique("file")
    cache.set(key, "x", 30)
    assert cache.get(key) == "x"
    span = spans.one("django.cache.get")
    assert span.attributes["hotpath.cache.backend"] == "django.core.cache.backends.filebased.FileBasedCache"
    assert span.attributes["hotpath.cache.alias"] == "file"
    assert span.attributes["hotpath.cache.hit"] is True


def test_database_cache_get_is_one_cache_span_with_its_sql_as_children(spans):
    cache = caches["db"]
    key = unique("dbc")
    cache.set(key, "x", 30)
    assert cache.get(key) == "x"
    get = spans.one("django.cache.get")  # DatabaseCache.get calls get_many internally: no second span
    assert spans.named("django.cache.get_many") == []
    assert get.attributes["hotpath.cache.backend"] == "django.core.cache.backends.db.DatabaseCache"
    assert get.attributes["hotpath.cache.hit"] is True
    sql_children = [s for s in spans.children(get) if s.kind is SpanKind.CLIENT]
    assert sql_children and all(s.attributes.get("db.system") == "sqlite" for s in sql_children)


def test_redis_cache_spans_wrap_the_redis_client_spans(spans):
    cache = caches["redis"]
    key = unique("redis")
    try:
        assert cache.get(key) is None
        cache.set(key, "x", 30)
        assert cache.get(key) == "x"
        miss, hit = spans.named("django.cache.get")
        assert (miss.attributes["hotpath.cache.hit"], hit.attributes["hotpath.cache.hit"]) == (False, True)
        assert hit.attributes["hotpath.cache.backend"] == "django.core.cache.backends.redis.RedisCache"
        assert hit.attributes["hotpath.cache.alias"] == "redis"
        redis_children = [s for s in spans.children(hit) if s.attributes.get("db.system") == "redis"]
        assert [s.name for s in redis_children] == ["GET"]
    finally:
        cache.delete(key)


def test_cache_spans_can_be_switched_off(spans, reconfigure):
    reconfigure(cache_spans=False)
    caches["default"].get(unique("off"))
    assert cache_spans(spans) == []
