import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
application = get_wsgi_application()

# Commands and workers import the model code when they need it (tests/config/test_lazy_imports.py); a web
# process scores pages with it, so it loads it here, while the server starts, not on a shopper's first page.
import personalization.recsys.models.base  # noqa: E402, F401
