from django.urls import path

from alerts.api import views

app_name = "alerts-api"
urlpatterns = [
    path("alerts/", views.AlertListView.as_view(), name="alert-list"),
    path("alerts/<str:id>/", views.AlertDetailView.as_view(), name="alert-detail"),
    path("alerts/<str:id>/firings/", views.FiringListView.as_view(), name="firing-list"),
]
