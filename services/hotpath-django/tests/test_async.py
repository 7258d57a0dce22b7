import asyncio

from django.test import AsyncClient, override_settings

STACK = ["hp_testapp.middleware.async_middleware", "hp_testapp.middleware.AsyncHookMiddleware"]


def test_async_middleware_and_async_hooks_get_spans_under_asgi(spans):
    async def run():
        with override_settings(MIDDLEWARE=STACK):
            return await AsyncClient().get("/async/")

    response = asyncio.run(run())
    assert response.status_code == 200 and response["X-Async"] == "1"
    call = spans.one("django.middleware hp_testapp.middleware.async_middleware.__call__")
    view_hook = spans.one("django.middleware hp_testapp.middleware.AsyncHookMiddleware.process_view")
    assert spans.parent_of(view_hook) == call
    cache_get = spans.one("django.cache.get")
    assert spans.parent_of(cache_get) == call  # sync_to_async carries the context into its thread
