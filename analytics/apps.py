from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # The event log's writer serves every app below through core's port.
        from analytics.services import events_record
        from core import events

        events.sink.register(events_record)
