"""The project's URLs plus one view that fails, to see the 500 pages; the handlers are the project's."""

from django.conf.urls.i18n import i18n_patterns
from django.urls import path

from config.urls import handler404, handler500  # noqa: F401
from config.urls import urlpatterns as project_urlpatterns


def broken(request):
    raise RuntimeError("a bug")


urlpatterns = [
    path("api/v1/broken", broken),
    *i18n_patterns(path("broken/", broken), prefix_default_language=False),
    *project_urlpatterns,
]
