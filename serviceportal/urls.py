app_name = "serviceportal"
urlpatterns: list = []
