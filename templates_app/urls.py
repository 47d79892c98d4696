from django.urls import path

from templates_app import views

app_name = "templates"

urlpatterns = [
    path("", views.template_list_view, name="list"),
    path("new/", views.template_create_view, name="create"),
    path("<int:pk>/", views.template_edit_view, name="edit"),
    path("<int:pk>/delete/", views.template_delete_view, name="delete"),
    path("<int:pk>/review/", views.template_review_view, name="review"),
]
