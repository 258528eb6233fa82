"""/ads/: where the links of shown ads go."""

from django.urls import path

from personalization.ads import views

app_name = "ads"

urlpatterns = [
    path("click/<str:token>/", views.click, name="click"),
]
