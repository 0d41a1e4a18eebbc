"""In-app notifications on program sites."""

from django.urls import path

from notifications import views

app_name = "notifications"
urlpatterns = [
    path("", views.notification_list, name="list"),
    path("<int:notification_id>/read/", views.mark_read, name="mark_read"),
    path("read/", views.mark_read, name="mark_all_read"),
    path("preferences/", views.preferences, name="preferences"),
]
