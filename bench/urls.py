"""The site's URLs plus the analytics bench's baselines, served by the same server (or test
client) in the same run: ``/bare/<token>``, a Django view that does nothing but answer a
redirect; ``/bare/stats/<id>`` and ``/bare/analytics/<id>``, the same figures as the API's
from hand-written SQL behind the same middleware and an API key checked by hand. Mounted only
through ``bench/settings.py``, never in the product."""

from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import path

from config.urls import handler404
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "urlpatterns"]

DESTINATION = "https://shop.example.com/sale?utm_source=campaigns&utm_medium=whatsapp"


def bare_redirect(request: HttpRequest, token: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(DESTINATION)


def bare_stats(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from analytics_reads import bare_stats_view  # bench/ is on the path of the bench's runs

    return bare_stats_view(request, campaign_id)


def bare_analytics(request: HttpRequest, campaign_id: int) -> HttpResponse:
    from analytics_reads import bare_analytics_view

    return bare_analytics_view(request, campaign_id)


urlpatterns = [
    path("bare/stats/<int:campaign_id>", bare_stats),
    path("bare/analytics/<int:campaign_id>", bare_analytics),
    path("bare/<str:token>", bare_redirect),
    *site_urlpatterns,
]
