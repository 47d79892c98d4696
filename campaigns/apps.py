from django.apps import AppConfig


class CampaignsConfig(AppConfig):
    name = "campaigns"
    verbose_name = "Campaigns"

    def ready(self) -> None:
        # Audience sits below campaigns and asks through its ports (audience/ports.py).
        from audience import ports
        from campaigns import audience_provider

        ports.campaign_directory.register(audience_provider)
        ports.segment_filters_changed.connect(
            audience_provider.reach_refresh_on_segment_change, dispatch_uid="campaigns.reach"
        )
