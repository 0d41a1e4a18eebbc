"""Program admin pages about the program's data (included from config.urls_program)."""

from django.urls import path

from workflow import data_views

urlpatterns = [
    path("program-data/", data_views.program_data, name="program_data"),
    path("program-data/export.zip", data_views.program_export, name="program_export"),
]
