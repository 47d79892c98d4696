"""Exports and the printable report, under ``dashboard/campaigns/`` in the ``campaigns``
namespace beside the analytics page (``config/urls.py``)."""

from django.urls import path

from analytics.exports import views

urlpatterns = [
    path("<int:campaign_id>/analytics/print/", views.report_print, name="analytics_print"),
    path("<int:campaign_id>/analytics/exports/", views.exports_box, name="analytics_exports"),
    path(
        "<int:campaign_id>/analytics/exports/start/",
        views.export_start,
        name="analytics_export_start",
    ),
    path(
        "<int:campaign_id>/analytics/exports/<int:export_id>/download/",
        views.export_download,
        name="analytics_export_download",
    ),
]
