"""Smoke tests: every scenario answers with its status and really exhibits its pattern (SQLite, LocMem)."""

import hashlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from shop import middleware as slow_mw
from shop import scenarios as sc
from shop.models import Book, Order, OrderLine

pytestmark = pytest.mark.django_db

TX_CONTROL = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK", "COMMIT")


def run(path, method="get"):
    """Requests path and returns (response, SQL statements without transaction control)."""
    client = Client(raise_request_exception=False)
    with CaptureQueriesContext(connection) as ctx:
        response = getattr(client, method)(path)
    sql = [q["sql"] for q in ctx.captured_queries if not q["sql"].lstrip().upper().startswith(TX_CONTROL)]
    return response, sql


@pytest.fixture
def upstream(settings):
    """A real loopback HTTP server standing in for /outbound/'s target."""
    hits = []

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):
            hits.append(self.path)
            body = b"upstream-ok"
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    settings.DEMO_OUTBOUND_URL = f"http://127.0.0.1:{server.server_address[1]}/ping/"
    yield hits
    server.shutdown()
    server.server_close()


@pytest.mark.parametrize("name,path,status,queries", [(n, p, s, q) for n, p, s, q, _ in sc.SCENARIOS])
def test_each_scenario_returns_its_status_and_query_count(name, path, status, queries, upstream):
    response, sql = run(path)
    assert response.status_code == status, name
    assert len(sql) == queries, (name, sql)


def test_index_lists_every_scenario():
    response, _ = run("/")
    paths = {s["path"] for s in response.json()["scenarios"]}
    assert paths == {p for _, p, _, _, _ in sc.SCENARIOS}


def test_fk_n_plus_one_queries_author_once_per_row_and_select_related_joins():
    _, loose = run("/books/n-plus-one/")
    author_lookups = [s for s in loose if s.startswith('SELECT "shop_author"')]
    assert len(author_lookups) == sc.LIST_SIZE
    # Different parameters each time: that is what separates N+1 from duplicates.
    assert len(set(author_lookups)) > 1
    _, fixed = run("/books/select-related/")
    assert len(fixed) <= 2 and "JOIN" in fixed[0]


def test_m2m_n_plus_one_queries_tags_per_row_and_prefetch_uses_one_in_query():
    _, loose = run("/books/tags-n-plus-one/")
    tag_lookups = [s for s in loose if 'FROM "shop_tag"' in s]
    assert len(tag_lookups) == sc.LIST_SIZE
    _, fixed = run("/books/prefetch/")
    assert len(fixed) == 2 and " IN (" in fixed[1]


def test_duplicates_repeats_identical_sql_with_identical_params():
    _, sql = run("/books/duplicates/")
    category_lookups = [s for s in sql if 'FROM "shop_category"' in s]
    assert len(category_lookups) == sc.DUPLICATE_REPEATS
    assert len(set(category_lookups)) == 1


def test_slow_report_runs_pg_sleep_then_the_report():
    response, sql = run("/reports/slow/")
    assert sql[0] == f"SELECT pg_sleep({sc.SLOW_SECONDS})"
    report = response.json()["report"]
    assert len(report) == 8 and sum(r["reviews"] for r in report) > 0


def test_cache_heavy_makes_exact_hits_misses_and_sets(monkeypatch):
    calls = []
    for op in ("get", "set", "delete", "get_many", "set_many", "add"):
        real = getattr(cache, op)
        monkeypatch.setattr(cache, op, lambda *a, _op=op, _real=real, **kw: (calls.append(_op), _real(*a, **kw))[1])
    response, _ = run("/cache/heavy/")
    body = response.json()
    assert body == {"gets": sc.CACHE_HITS + sc.CACHE_MISSES, "sets": sc.CACHE_SETS,
                    "hits": sc.CACHE_HITS, "misses": sc.CACHE_MISSES}
    assert calls.count("get") == 9 and calls.count("set") == 6 and len(calls) == 15


def test_template_heavy_renders_nested_includes():
    response, _ = run("/pages/template-heavy/")
    names = [t.name for t in response.templates]
    first = Book.objects.order_by("id")[: sc.TEMPLATE_CARDS]
    chips = sum(b.tags.count() for b in first)
    assert names.count("shop/includes/book_card.html") == sc.TEMPLATE_CARDS
    assert names.count("shop/includes/author_badge.html") == sc.TEMPLATE_CARDS
    assert names.count("shop/includes/tag_list.html") == sc.TEMPLATE_CARDS
    assert names.count("shop/includes/tag_chip.html") == chips == sc.TEMPLATE_CHIPS
    assert len(names) == 5 + 3 * sc.TEMPLATE_CARDS + sc.TEMPLATE_CHIPS
    assert {"shop/base.html", "shop/includes/header.html", "shop/includes/nav.html", "shop/includes/footer.html"} <= set(names)


def test_slow_middleware_sleeps_only_under_its_prefix(monkeypatch, settings):
    sleeps = []
    monkeypatch.setattr(slow_mw.time, "sleep", sleeps.append)
    run("/ping/")
    assert sleeps == []
    run("/slow-mw/")
    assert sleeps == [settings.DEMO_SLOW_MW_MS / 1000.0]


def test_insert_loop_inserts_each_line_and_bulk_create_inserts_once():
    before = OrderLine.objects.count()
    response, loop_sql = run("/orders/insert-loop/", "post")
    assert response.json()["lines"] == sc.ORDER_LINES
    assert sum(s.startswith('INSERT INTO "shop_orderline"') for s in loop_sql) == sc.ORDER_LINES
    _, bulk_sql = run("/orders/bulk-create/")
    assert sum(s.startswith('INSERT INTO "shop_orderline"') for s in bulk_sql) == 1
    assert OrderLine.objects.count() == before + 2 * sc.ORDER_LINES
    assert Order.objects.filter(note__in=["insert-loop", "bulk-create"]).count() == 2


def test_len_fetches_all_rows_while_count_asks_the_database():
    len_resp, len_sql = run("/books/len/")
    count_resp, count_sql = run("/books/count/")
    assert len_resp.json() == count_resp.json() == {"books": Book.objects.count()}
    assert "COUNT(" not in len_sql[0] and '"shop_book"."title"' in len_sql[0]
    assert "COUNT(*)" in count_sql[0]


def test_boom_returns_500():
    response, _ = run("/boom/")
    assert response.status_code == 500


def test_outbound_calls_the_configured_url(upstream):
    response, _ = run("/outbound/")
    assert response.json() == {"upstream_status": 200, "bytes": len(b"upstream-ok")}
    assert upstream == ["/ping/"]


def _digest():
    rows = Book.objects.order_by("isbn").values_list("isbn", "title", "author__email", "category__slug")
    tags = Book.tags.through.objects.order_by("book__isbn", "tag__name").values_list("book__isbn", "tag__name")
    return hashlib.sha256(json.dumps([list(rows), list(tags)], default=str).encode()).hexdigest()


def test_seed_is_idempotent_and_deterministic():
    first = _digest()
    call_command("seed", verbosity=0)
    assert _digest() == first
    call_command("seed", force=True, verbosity=0)
    assert _digest() == first
    assert Book.objects.count() == 240
