"""``/accounts/settings/prices/``: the account's message price table."""

from django.urls import path

from analytics import price_views

app_name = "prices"

urlpatterns = [path("", price_views.price_table, name="edit")]
