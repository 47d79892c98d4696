from django.apps import AppConfig


class DeliveryConfig(AppConfig):
    name = "delivery"
    verbose_name = "Delivery"

    def ready(self) -> None:
        # Providers' statuses are parsed in messaging, below this app; they reach the
        # recipients through the port messaging offers.
        from audience import ports
        from delivery import audience_provider
        from delivery.status import status_apply
        from messaging import statuses

        statuses.applier_register(lambda updates: status_apply(updates=updates))
        # Audience's frequency cap asks who was messaged lately, which recipients know.
        ports.messaged_since.provide(audience_provider.contacts_messaged_since)
