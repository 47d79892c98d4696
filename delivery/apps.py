from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        from audience import ports
        from delivery import audience_provider, status
        from messaging import statuses

        # Providers' statuses are parsed in messaging, below this app; they reach the
        # recipients through the port messaging offers.
        statuses.applier.register(status.status_apply)
        # Audience's frequency cap asks who was messaged lately, which recipients know.
        ports.messaged_since.register(audience_provider.contacts_messaged_since)
