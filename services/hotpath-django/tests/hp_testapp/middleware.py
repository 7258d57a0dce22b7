"""Three middleware styles Django supports, each doing a little work of its own."""

from django.utils.deprecation import MiddlewareMixin


class MixinMiddleware(MiddlewareMixin):
    def process_request(self, request):
        request.hp_seen = True

    def process_view(self, request, view_func, view_args, view_kwargs):
        return None

    def process_response(self, request, response):
        response["X-Mixin"] = "1"
        return response


class NewStyleMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response["X-New-Style"] = "1"
        return response


def function_middleware(get_response):
    def middleware(request):
        return get_response(request)

    return middleware


class AsyncHookMiddleware(MiddlewareMixin):
    """Async-capable mixin middleware with a coroutine hook."""

    async def process_view(self, request, view_func, view_args, view_kwargs):
        return None


def async_middleware(get_response):
    from asgiref.sync import iscoroutinefunction, markcoroutinefunction

    assert iscoroutinefunction(get_response)

    async def middleware(request):
        response = await get_response(request)
        response["X-Async"] = "1"
        return response

    return markcoroutinefunction(middleware)


async_middleware.sync_capable = False
async_middleware.async_capable = True
