from django.conf import settings
from django.urls import include, path

from shop import views

urlpatterns = [
    path("", views.index, name="index"),
    path("ping/", views.ping, name="ping"),
    path("books/n-plus-one/", views.books_n_plus_one, name="books-n-plus-one"),
    path("books/select-related/", views.books_select_related, name="books-select-related"),
    path("books/tags-n-plus-one/", views.books_tags_n_plus_one, name="books-tags-n-plus-one"),
    path("books/prefetch/", views.books_prefetch, name="books-prefetch"),
    path("books/duplicates/", views.books_duplicates, name="books-duplicates"),
    path("books/len/", views.books_len, name="books-len"),
    path("books/count/", views.books_count, name="books-count"),
    path("reports/slow/", views.reports_slow, name="reports-slow"),
    path("cache/heavy/", views.cache_heavy, name="cache-heavy"),
    path("pages/template-heavy/", views.template_heavy, name="template-heavy"),
    path("slow-mw/", views.slow_middleware, name="slow-middleware"),
    path("orders/insert-loop/", views.orders_insert_loop, name="orders-insert-loop"),
    path("orders/bulk-create/", views.orders_bulk_create, name="orders-bulk-create"),
    path("boom/", views.boom, name="boom"),
    path("outbound/", views.outbound, name="outbound"),
]

if settings.DEMO_SILK:
    urlpatterns.append(path("silk/", include("silk.urls", namespace="silk")))
if settings.DEMO_PROMETHEUS:
    urlpatterns.append(path("", include("django_prometheus.urls")))
