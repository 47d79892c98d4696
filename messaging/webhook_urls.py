from django.urls import path

from messaging.webhooks import views

app_name = "webhooks"

urlpatterns = [
    path("whatsapp", views.whatsapp, name="whatsapp"),
    path("sms/<int:sender_id>", views.sms, name="sms"),
]
