"""``/t/``: the website script and pixel (no sign-in, no session, no CSRF)."""

from django.urls import path

from analytics import pixel

app_name = "tracking"

urlpatterns = [
    path("c.js", pixel.script, name="script"),
    path("pixel.gif", pixel.pixel, name="pixel"),
]
