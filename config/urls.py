from django.conf import settings
from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from analytics import urls as analytics_urls
from analytics.exports import urls as analytics_exports_urls
from campaigns import urls as campaigns_urls
from config.api import api
from delivery import urls as delivery_urls
from delivery.redirect import click_view

# One namespace for a campaign's pages, whichever app serves them: the names (campaigns:queue…)
# and paths stayed when the delivery pages moved to their own app.
campaign_pages = (
    campaigns_urls.urlpatterns
    + delivery_urls.urlpatterns
    + analytics_urls.campaign_urlpatterns
    + analytics_exports_urls.urlpatterns
)

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="campaigns:list", permanent=False)),
    path("accounts/settings/prices/", include("analytics.price_urls")),
    path("accounts/", include("accounts.urls")),
    path("dashboard/campaigns/", include((campaign_pages, "campaigns"))),
    path("dashboard/campaigns/templates/", include("templates_app.urls")),
    path("dashboard/audience/", include("audience.urls")),
    path("dashboard/analytics/", include("analytics.urls")),
    path("dashboard/messaging/", include("messaging.urls")),
    path("webhooks/", include("messaging.webhook_urls")),
    path("unsubscribe/", include("audience.unsubscribe_urls")),
    # Tracked links; ClickRedirectMiddleware answers them first (delivery.redirect).
    path("r/<str:token>", click_view, name="click_redirect"),
    path("api/", api.urls),
    # The website script and pixel: public, no session or CSRF (analytics/pixel.py).
    path("t/", include("analytics.tracking_urls")),
    # Recipients, batches and the error log moved to the delivery app; old admin links follow.
    re_path(
        r"^admin/campaigns/(?P<model>recipient|sendbatch|campaignerror)/(?P<rest>.*)$",
        RedirectView.as_view(url="/admin/delivery/%(model)s/%(rest)s", query_string=True),
    ),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from pathlib import Path

    from django.conf.urls.static import static

    from core.storage import PUBLIC_MEDIA_FOLDER

    # Only the media providers fetch: nothing else under MEDIA_ROOT is ever served, so a file
    # left there by mistake (or by an old version) does not become public.
    urlpatterns += static(
        f"{settings.MEDIA_URL}{PUBLIC_MEDIA_FOLDER}/",
        document_root=Path(settings.MEDIA_ROOT) / PUBLIC_MEDIA_FOLDER,
    )

handler404 = "core.views.not_found"
