app_name = "glossary"

urlpatterns = []
