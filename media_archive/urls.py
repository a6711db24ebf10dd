from django.urls import path

from . import views

app_name = "media_archive"
urlpatterns = [
    path("archiv/", views.research, name="research"),
    path("archiv/bild/<int:pk>/", views.detail, name="detail"),
    path("archiv/datei/<str:token>/", views.protected_file, name="file"),
]
