from csp.constants import SELF, UNSAFE_INLINE
from csp.decorators import csp_update
from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.http import JsonResponse
from django.urls import include, path
from django.views.static import serve
from drf_spectacular.views import SpectacularAPIView, SpectacularRedocView, SpectacularSwaggerSplitView

# Swagger UI and ReDoc style their pages inline and draw icons from data: URLs; their scripts stay files
# (the split view serves Swagger UI's setup script from its own URL). ReDoc searches in a blob: worker,
# asks Google for its fonts and shows its logo from its CDN.
API_DOCS_CSP = {"style-src": [UNSAFE_INLINE], "img-src": ["data:"]}
REDOC_CSP = {
    "style-src": [UNSAFE_INLINE, "https://fonts.googleapis.com"],
    "img-src": ["data:", "https://cdn.redoc.ly"],
    "font-src": [SELF, "https://fonts.gstatic.com"],
    "worker-src": [SELF, "blob:"],
}


def health(request):
    return JsonResponse({"status": "ok"})


urlpatterns = [
    path("healthz", health, name="health"),
    path("admin/", admin.site.urls),
    path("api/v1/", include("config.api_urls")),
    path("ads/", include("personalization.ads.urls")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        csp_update(API_DOCS_CSP)(SpectacularSwaggerSplitView.as_view(url_name="api-schema")),
        name="api-docs",
    ),
    path("api/redoc/", csp_update(REDOC_CSP)(SpectacularRedocView.as_view(url_name="api-schema")), name="api-redoc"),
    # The language switcher posts here (django.views.i18n.set_language), which remembers the choice in a cookie.
    path("i18n/", include("django.conf.urls.i18n")),
    # Uploaded product images; in production a web server or object storage serves these.
    path(f"{settings.MEDIA_URL.strip('/')}/<path:path>", serve, {"document_root": settings.MEDIA_ROOT}),
]

# Pages, in English without a prefix (the URLs of before) and in every other language under /<code>/.
urlpatterns += i18n_patterns(
    path("staff/experiments/", include("personalization.experiments.urls")),
    # The demo's live traffic control (demo/live/); the console's navigation links to it by name.
    path("staff/live-traffic/", include("demo.urls")),
    path("staff/", include("personalization.console.urls")),
    # The consent banner's forms and the shopper's privacy controls, in the page's language.
    path("account/privacy/", include("personalization.tracking.urls")),
    path("", include("shop.urls")),
    prefix_default_language=False,
)

# URLs under /api/ that no view matches answer in the API's JSON error shape; pages keep Django's.
handler404 = "config.api_errors.json_not_found"
handler500 = "config.api_errors.json_server_error"
