from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        # messaging hears STOP but may not import audience: it calls core's port instead.
        from audience.services import phone_consent
        from core import consent

        consent.replies_unsubscribe.register(phone_consent.contacts_unsubscribe_by_reply)
