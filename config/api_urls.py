"""/api/v1/: the REST API of the mobile app, one include per app.

Every app names its routes one way: its pages in `<app>/urls.py` (included by config/urls.py),
its API in `<app>/api/urls.py` (included here), with the API views in `<app>/api/views.py`.
"""

from django.urls import include, path

urlpatterns = [
    path("", include("shop.api.urls")),
    path("", include("shop.reviews.api.urls")),
    path("", include("personalization.tracking.api.urls")),
    path("", include("personalization.recommendations.api.urls")),
    path("", include("personalization.experiments.api.urls")),
    path("", include("personalization.offers.api.urls")),
    path("", include("personalization.ads.api.urls")),
    path("", include("personalization.assistant.api.urls")),
]
