"""The project's URLs with the delivery pages in the ``campaigns`` namespace, as the lead
includes them (``campaigns.urls_delivery``); used by the page tests."""

from django.urls import include, path

from campaigns import urls as campaign_urls
from campaigns import urls_delivery
from config import urls as root

urlpatterns = [
    path(
        "dashboard/campaigns/",
        include((urls_delivery.urlpatterns + campaign_urls.urlpatterns, "campaigns")),
    ),
    *[p for p in root.urlpatterns if str(p.pattern) != "dashboard/campaigns/"],
]
