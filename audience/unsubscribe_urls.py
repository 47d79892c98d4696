"""Public pages reached from messages, outside the signed-in dashboard."""

from django.urls import path

from audience.views.unsubscribe import email_unsubscribe_view

app_name = "unsubscribe"

urlpatterns = [
    path("email/<str:token>/", email_unsubscribe_view, name="email"),
]
