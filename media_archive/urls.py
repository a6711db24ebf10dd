app_name = "media_archive"
urlpatterns: list = []
