app_name = "easyread"

urlpatterns = []
