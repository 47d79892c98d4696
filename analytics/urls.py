"""Analytics pages. ``campaign_urlpatterns`` join the campaign pages (``campaigns:analytics``,
``/dashboard/campaigns/<id>/analytics/``); ``urlpatterns`` is the account's dashboard at
``/dashboard/analytics/``."""

from django.urls import path

from analytics import views

app_name = "analytics"

campaign_urlpatterns = [
    path("<int:campaign_id>/analytics/", views.campaign_analytics, name="analytics"),
]

urlpatterns = [
    path("", views.account_dashboard, name="dashboard"),
]
