import copy

import pytest

VALID = {
    "name": "spring_sale",
    "category": "marketing",
    "language": "en",
    "status": "draft",
    "header": {"type": "text", "text": "Hello {{1}}", "mediaUrl": ""},
    "body": "Hi {{1}}, use code {{2}} before Sunday.",
    "footer": "Reply STOP to opt out",
    "buttons": [
        {"type": "url", "text": "Shop now", "value": "https://shop.example.com/sale"},
        {"type": "call", "text": "Call us", "value": "+14155550123"},
    ],
    "variables": [{"name": "1", "example": "Ada"}, {"name": "2", "example": "SPRING10"}],
}


@pytest.fixture
def template_data():
    """A fresh, valid template payload in the API's shape; tests change one thing at a time."""
    return copy.deepcopy(VALID)
