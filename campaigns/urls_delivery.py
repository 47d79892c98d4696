"""Delivery pages; included under ``dashboard/campaigns/`` in the ``campaigns`` namespace:
``path("", include("campaigns.urls_delivery"))`` inside ``campaigns/urls.py``'s patterns, or
``urlpatterns += urls_delivery.urlpatterns``."""

from django.urls import path

from campaigns import views_delivery

urlpatterns = [
    path("queue/", views_delivery.account_queue, name="queue"),
    path("<int:campaign_id>/queue/", views_delivery.campaign_queue, name="campaign_queue"),
    path("<int:campaign_id>/live-stats/", views_delivery.live_stats, name="live_stats"),
    path(
        "<int:campaign_id>/recipients/",
        views_delivery.campaign_recipients,
        name="campaign_recipients",
    ),
]
