from django.conf import settings
from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

from config.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="campaigns:list", permanent=False)),
    path("accounts/", include("accounts.urls")),
    path("dashboard/campaigns/", include("campaigns.urls")),
    path("dashboard/campaigns/templates/", include("templates_app.urls")),
    path("dashboard/audience/", include("audience.urls")),
    path("dashboard/messaging/", include("messaging.urls")),
    path("webhooks/", include("messaging.webhook_urls")),
    path("api/", api.urls),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)

handler404 = "core.views.not_found"
