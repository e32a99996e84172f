app_name = "discussions-api"
urlpatterns: list = []
