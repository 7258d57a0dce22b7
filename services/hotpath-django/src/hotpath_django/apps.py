from django.apps import AppConfig


class HotpathDjangoConfig(AppConfig):
    name = "hotpath_django"
    verbose_name = "Hotpath (OpenTelemetry spans for Django)"

    def ready(self) -> None:
        from . import instrument, is_instrumented

        # A manual instrument() call made before Django started wins over the settings.
        if not is_instrumented():
            instrument()
