from django.core.cache import caches
from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.template.loader import get_template

from .models import Item


def plain(request):
    return HttpResponse("ok")


def page(request):
    return render(request, "hp/page.html", {"items": ["a", "b"]})


def jinja_page(request):
    return HttpResponse(get_template("hp/page.jinja", using="jinja2").render({"items": ["a", "b"]}))


def _fib(n):
    return n if n < 2 else _fib(n - 1) + _fib(n - 2)


def queries(request):
    """Two identical lookups (a duplicate) and a loop over other ids (an N+1)."""
    Item.objects.filter(pk=1).first()
    Item.objects.filter(pk=1).first()
    for pk in (2, 3):
        Item.objects.filter(pk=pk).first()
    _fib(22)
    return JsonResponse({"ok": True})


def cached(request):
    caches["default"].get_or_set("page:home", lambda: "fresh", 30)
    return HttpResponse("ok")


async def async_view(request):
    from asgiref.sync import sync_to_async

    await sync_to_async(caches["default"].get)("async:1")
    return HttpResponse("async ok")
