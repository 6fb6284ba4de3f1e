"""WSGI entry point, served by gunicorn in production (docker-compose.yml)."""

import os

from django.core.wsgi import get_wsgi_application

from governance.startup import require_secret_key

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "governance.settings")

application = get_wsgi_application()
require_secret_key()
