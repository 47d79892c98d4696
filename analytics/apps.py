from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        # Audience's engagement rules ask through its port (audience/ports.py).
        from analytics import engagement
        from audience import ports

        ports.engagement_condition.provide(engagement.contacts_engaged)
