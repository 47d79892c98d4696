from django.urls import path

from messaging import views

app_name = "messaging"

urlpatterns = [
    path("senders/", views.sender_list, name="senders"),
    path("senders/new/", views.sender_create_view, name="sender_create"),
    path("senders/<int:sender_id>/", views.sender_edit_view, name="sender_edit"),
    path(
        "senders/<int:sender_id>/limits/",
        views.sender_limits_check_view,
        name="sender_limits_check",
    ),
    path("senders/<int:sender_id>/delete/", views.sender_delete_view, name="sender_delete"),
]
