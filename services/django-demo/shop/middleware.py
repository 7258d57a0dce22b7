import time

from django.conf import settings
from django.utils.deprecation import MiddlewareMixin


class SlowPrefixMiddleware(MiddlewareMixin):
    """Sleeps DEMO_SLOW_MW_MS milliseconds in process_request, only for paths under DEMO_SLOW_MW_PREFIX.

    Limited to one prefix so that every other scenario's timing stays free of this delay. Written
    with process_request rather than __call__ so the delay sits in a hook that does not also wrap the
    view: the time is the middleware's own, not its callees'.
    """

    def __init__(self, get_response):
        super().__init__(get_response)
        self.prefix = settings.DEMO_SLOW_MW_PREFIX
        self.delay = settings.DEMO_SLOW_MW_MS / 1000.0

    def process_request(self, request):
        if self.prefix and request.path.startswith(self.prefix):
            time.sleep(self.delay)
        return None
