from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "analytics"
    verbose_name = "Analytics"

    def ready(self) -> None:
        from accounts import ports as account_ports
        from analytics import engagement, pricing, report_cache
        from analytics.services import events_record
        from audience import ports
        from core import events
        from delivery import ports as delivery_ports

        # The event log's writer serves every app below through core's port.
        events.sink.register(events_record)
        # Audience's engagement rules ask through its port (audience/ports.py).
        ports.engagement_condition.register(engagement.contacts_engaged)
        # A new account starts with the default message prices.
        account_ports.account_setup.register(pricing.prices_seed)
        # Delivery's stats answer the campaign's cost and revenue.
        delivery_ports.campaign_money.register(report_cache.money_figures_kept)
