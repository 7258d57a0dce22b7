"""One view per bottleneck pattern, each next to its fix. Query counts are listed in scenarios.py."""

import uuid

import requests
from django.conf import settings
from django.core.cache import cache
from django.db import connection, transaction
from django.db.models import Avg, Count
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods

from . import scenarios as sc
from .models import Book, Category, Order, OrderLine


def index(request):
    return JsonResponse({"scenarios": [
        {"name": name, "path": path, "status": status, "queries": queries, "shows": shows}
        for name, path, status, queries, shows in sc.SCENARIOS
    ]})


def ping(request):
    return HttpResponse("pong", content_type="text/plain")


def _first_books():
    return Book.objects.order_by("id")[: sc.LIST_SIZE]


# --- FK N+1 and select_related --------------------------------------------------------------------
def books_n_plus_one(request):
    # The template reads book.author.name: one extra SELECT on shop_author per row.
    return render(request, "shop/book_list.html", {"books": _first_books(), "title": "FK N+1", "show": "author"})


def books_select_related(request):
    books = _first_books().select_related("author")
    return render(request, "shop/book_list.html", {"books": books, "title": "select_related", "show": "author"})


# --- M2M N+1 and prefetch_related -----------------------------------------------------------------
def books_tags_n_plus_one(request):
    return render(request, "shop/book_list.html", {"books": _first_books(), "title": "M2M N+1", "show": "tags"})


def books_prefetch(request):
    books = _first_books().prefetch_related("tags")
    return render(request, "shop/book_list.html", {"books": books, "title": "prefetch_related", "show": "tags"})


# --- duplicate queries ----------------------------------------------------------------------------
def _featured_category():
    # Looks harmless, but every caller re-runs the identical query with identical parameters.
    return Category.objects.get(slug="fiction")


def books_duplicates(request):
    headline = _featured_category()
    for _ in range(sc.DUPLICATE_REPEATS - 1):
        assert _featured_category().pk == headline.pk
    books = list(Book.objects.filter(category=headline).order_by("id").values("id", "title")[:10])
    return JsonResponse({"category": headline.name, "books": books})


# --- slow query -----------------------------------------------------------------------------------
def reports_slow(request):
    with connection.cursor() as cur:
        # PostgreSQL's pg_sleep; on SQLite shop/db.py registers a pg_sleep() that calls time.sleep.
        cur.execute("SELECT pg_sleep(%s)", [sc.SLOW_SECONDS])
        cur.fetchone()
    rows = (
        Category.objects.annotate(reviews=Count("books__reviews"), rating=Avg("books__reviews__rating"))
        .order_by("name")
        .values("name", "reviews", "rating")
    )
    return JsonResponse({"report": [
        {"category": r["name"], "reviews": r["reviews"], "rating": round(float(r["rating"] or 0), 2)} for r in rows
    ]})


# --- cache heavy ----------------------------------------------------------------------------------
def cache_heavy(request):
    # A per-request namespace makes the hit/miss counts exact even under concurrent requests.
    ns = uuid.uuid4().hex[:12]
    keys = [f"widget:{ns}:{i}" for i in range(sc.CACHE_SETS)]
    hits = misses = 0
    for key in keys[: sc.CACHE_MISSES]:
        if cache.get(key) is None:
            misses += 1
        else:
            hits += 1
    for i, key in enumerate(keys):
        cache.set(key, f"rendered widget {i}", timeout=60)
    for key in keys:
        if cache.get(key) is None:
            misses += 1
        else:
            hits += 1
    return JsonResponse({"gets": hits + misses, "sets": len(keys), "hits": hits, "misses": misses})


# --- template heavy -------------------------------------------------------------------------------
def template_heavy(request):
    books = (
        Book.objects.select_related("author", "category").prefetch_related("tags").order_by("id")[: sc.TEMPLATE_CARDS]
    )
    return render(request, "shop/template_heavy.html", {"books": books})


# --- slow middleware (the delay happens in shop.middleware.SlowPrefixMiddleware) ------------------
def slow_middleware(request):
    return HttpResponse("the middleware before this view slept", content_type="text/plain")


# --- insert loop and bulk_create ------------------------------------------------------------------
def _order_lines(order):
    picks = Book.objects.order_by("id").values_list("id", "price")[: sc.ORDER_LINES]
    return [OrderLine(order=order, book_id=pk, quantity=1 + i % 3, unit_price=price) for i, (pk, price) in enumerate(picks)]


@csrf_exempt
@require_http_methods(["GET", "POST"])
def orders_insert_loop(request):
    with transaction.atomic():
        order = Order.objects.create(customer_email="loop@example.org", note="insert-loop")
        lines = _order_lines(order)
        for line in lines:
            line.save()
    return JsonResponse({"order": order.pk, "lines": len(lines)})


@csrf_exempt
@require_http_methods(["GET", "POST"])
def orders_bulk_create(request):
    with transaction.atomic():
        order = Order.objects.create(customer_email="bulk@example.org", note="bulk-create")
        lines = OrderLine.objects.bulk_create(_order_lines(order))
    return JsonResponse({"order": order.pk, "lines": len(lines)})


# --- len(qs) vs count() ---------------------------------------------------------------------------
def books_len(request):
    return JsonResponse({"books": len(Book.objects.all())})


def books_count(request):
    return JsonResponse({"books": Book.objects.count()})


# --- errors and outbound HTTP ---------------------------------------------------------------------
def boom(request):
    raise RuntimeError("boom: deliberate failure from the demo")


def outbound(request):
    url = settings.DEMO_OUTBOUND_URL or request.build_absolute_uri("/ping/")
    resp = requests.get(url, timeout=5)
    return JsonResponse({"upstream_status": resp.status_code, "bytes": len(resp.content)})
