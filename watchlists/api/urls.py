app_name = "watchlists-api"
urlpatterns: list = []
