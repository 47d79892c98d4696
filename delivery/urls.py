"""Delivery pages. ``config/urls.py`` serves them under ``dashboard/campaigns/`` in the
``campaigns`` namespace, beside the authoring pages, so their URLs and names did not change
when they moved here."""

from django.urls import path

from delivery import views

urlpatterns = [
    path("queue/", views.account_queue, name="queue"),
    path("<int:campaign_id>/queue/", views.campaign_queue, name="campaign_queue"),
    path("<int:campaign_id>/live-stats/", views.live_stats, name="live_stats"),
    path(
        "<int:campaign_id>/recipients/",
        views.campaign_recipients,
        name="campaign_recipients",
    ),
]
