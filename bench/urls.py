"""The site's URLs plus ``/bare/<token>``: the analytics bench's baseline for the click
redirect, a Django view that does nothing but answer a redirect, served by the same server in
the same run. Mounted only through ``bench/settings.py``, never in the product."""

from django.http import HttpRequest, HttpResponseRedirect
from django.urls import path

from config.urls import handler404
from config.urls import urlpatterns as site_urlpatterns

__all__ = ["handler404", "urlpatterns"]

DESTINATION = "https://shop.example.com/sale?utm_source=campaigns&utm_medium=whatsapp"


def bare_redirect(request: HttpRequest, token: str) -> HttpResponseRedirect:
    return HttpResponseRedirect(DESTINATION)


urlpatterns = [path("bare/<str:token>", bare_redirect), *site_urlpatterns]
