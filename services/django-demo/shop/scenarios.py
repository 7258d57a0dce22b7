"""The demo's scenarios: one stable URL per bottleneck pattern (and its fix).

Plain data with no Django import, so the fixture recorder and the tests can read it too.
The numbers are the exact per-request counts the views produce with the seed data; tests assert them.
"""

LIST_SIZE = 25          # books shown by the list views
DUPLICATE_REPEATS = 6   # identical queries issued by /books/duplicates/
ORDER_LINES = 20        # lines written by /orders/insert-loop/ and /orders/bulk-create/
SLOW_SECONDS = 0.6      # argument of pg_sleep in /reports/slow/
CACHE_SETS = 6          # /cache/heavy/: first 3 gets miss, then 6 sets, then 6 gets hit
CACHE_MISSES = 3
CACHE_HITS = 6
TEMPLATE_CARDS = 20     # book cards on /pages/template-heavy/
TEMPLATE_CHIPS = 53     # tag chips on those cards with the seed data (one include each)

# name, path, expected HTTP status, DB queries per request (None = not fixed), what it shows
SCENARIOS = [
    ("ping", "/ping/", 200, 0, "trivial view; target of /outbound/"),
    ("n-plus-one", "/books/n-plus-one/", 200, 1 + LIST_SIZE, "FK N+1: book.author per row"),
    ("select-related", "/books/select-related/", 200, 1, "fix: select_related('author')"),
    ("tags-n-plus-one", "/books/tags-n-plus-one/", 200, 1 + LIST_SIZE, "M2M N+1: book.tags.all() per row"),
    ("prefetch", "/books/prefetch/", 200, 2, "fix: prefetch_related('tags')"),
    ("duplicates", "/books/duplicates/", 200, 1 + DUPLICATE_REPEATS, "same SQL + same params repeated"),
    ("slow-query", "/reports/slow/", 200, 2, "SELECT pg_sleep(0.6) then a report query"),
    ("cache-heavy", "/cache/heavy/", 200, 0, "15 cache calls: 9 get (6 hit, 3 miss), 6 set"),
    ("template-heavy", "/pages/template-heavy/", 200, 2, "nested {% include %} rendering"),
    ("slow-middleware", "/slow-mw/", 200, 0, "SlowPrefixMiddleware sleeps 30 ms on /slow-mw/"),
    ("insert-loop", "/orders/insert-loop/", 200, 2 + ORDER_LINES, "one INSERT per order line"),
    ("bulk-create", "/orders/bulk-create/", 200, 3, "fix: bulk_create for the lines"),
    ("len", "/books/len/", 200, 1, "len(queryset): fetches every row"),
    ("count", "/books/count/", 200, 1, "fix: queryset.count()"),
    ("boom", "/boom/", 500, 0, "view raises RuntimeError"),
    ("outbound", "/outbound/", 200, 0, "requests.get to DEMO_OUTBOUND_URL (default own /ping/)"),
]
