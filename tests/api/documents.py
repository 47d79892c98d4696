"""Request bodies shared by the API tests."""

# Every credential field of a Sender, with values no API answer may ever contain.
SECRETS = {
    "access_token": "EAAG-leak-check-access-token-8c1f",
    "app_secret": "leak-check-app-secret-51d2",
    "verify_token": "leak-check-verify-token-77a0",
    "auth_token": "leak-check-auth-token-0b9e",
    "smtp_password": "leak-check-smtp-password-e4c3",
}


def full_document(*, sender, segments, template, **overrides) -> dict:
    """A valid campaign document using every part of the spec's Campaign shape."""
    document = {
        "name": "Black Friday",
        "description": "Our biggest sale",
        "type": "ab-test",
        "phoneNumberId": sender.phone_number_id,
        "audience": {
            "type": "segment",
            "segmentIds": [segments[0].pk],
            "customFilters": {},
            "excludeUnsubscribed": True,
            "excludeSegmentIds": [segments[1].pk],
            "excludeSuppressed": True,
            "frequencyCapHours": 48,
        },
        "message": {
            "type": "template",
            "content": "Hi {{first_name}}!",
            "templateId": template.pk,
            "variables": ["{{first_name}}"],
            "mediaUrls": ["https://cdn.example.com/banner.png"],
            "buttons": [
                {"text": "Shop now", "type": "url", "value": "https://shop.example.com/bf"},
                {"text": "Call us", "type": "call", "value": "+33123456789"},
                {"text": "Stop", "type": "quickreply", "value": "STOP"},
            ],
        },
        "scheduling": {
            "sendNow": False,
            "startDate": "2030-11-28T09:00:00+00:00",
            "endDate": "2030-11-30T21:00:00+00:00",
            "timezone": "America/New_York",
            "frequency": "daily",
            "deliveryTime": "09:30",
            "localTimeDelivery": True,
            "quietHoursStart": "21:00",
            "quietHoursEnd": "08:00",
        },
        "abTest": {
            "enabled": True,
            "variants": [
                {
                    "id": "A",
                    "name": "Discount",
                    "message": {"type": "text", "content": "20% off"},
                    "splitPercentage": 50,
                    "winner": False,
                },
                {
                    "id": "B",
                    "name": "Free shipping",
                    "message": {"type": "text", "content": "Free shipping"},
                    "splitPercentage": 50,
                    "winner": False,
                },
            ],
            "winnerCriteria": "conversions",
        },
        "automation": {
            "enabled": True,
            "triggers": [{"type": "tag_added", "condition": {"tag": "vip"}}],
            "workflow": [
                {
                    "stepId": "welcome",
                    "delayHours": 0,
                    "message": {"content": "Welcome"},
                    "conditions": [],
                },
                {
                    "stepId": "reminder",
                    "delayHours": 24,
                    "message": {"content": "Still there?"},
                    "conditions": [{"field": "clicked", "operator": "eq", "value": False}],
                },
            ],
        },
        "trackingUrl": "https://track.example.com/bf",
        "webhookUrl": "https://hooks.example.com/campaigns",
    }
    document.update(overrides)
    return document
