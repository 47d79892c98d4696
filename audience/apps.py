from django.apps import AppConfig


class AudienceConfig(AppConfig):
    name = "audience"
    verbose_name = "Audience"

    def ready(self) -> None:
        # messaging hears STOP and links e-mails to their opt-out, but may not import
        # audience: it calls core's ports instead.
        from audience import unsubscribe
        from audience.services import phone_consent
        from core import consent

        consent.replies_unsubscribe.register(phone_consent.contacts_unsubscribe_by_reply)
        consent.email_unsubscribe_link.register(unsubscribe.email_unsubscribe_url)
