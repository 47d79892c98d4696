"""Authoring pages: the list, the detail page and its buttons, the wizard and the preview.

``config/urls.py`` adds the delivery pages to this namespace."""

from django.urls import path

from . import views
from .urls_wizard import urlpatterns as wizard_patterns

app_name = "campaigns"

urlpatterns = [
    path("", views.campaign_list_view, name="list"),
    path("<int:campaign_id>/", views.campaign_detail_view, name="detail"),
    path("<int:campaign_id>/do/<slug:action>/", views.campaign_action, name="action"),
    *wizard_patterns,
]
