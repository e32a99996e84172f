app_name = "notifications-api"
urlpatterns: list = []
