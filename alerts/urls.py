from django.urls import path

from alerts import views

app_name = "alerts"
urlpatterns = [
    path("", views.index, name="index"),
    path("new/", views.new, name="new"),
    path("webhook/", views.webhook_settings, name="webhook-settings"),
    path("<str:pk>/", views.detail, name="detail"),
    path("<str:pk>/edit/", views.edit, name="edit"),
    path("<str:pk>/pause/", views.pause, name="pause"),
    path("<str:pk>/delete/", views.delete, name="delete"),
]
