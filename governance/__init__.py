"""The project package: settings, URLs, Celery, and the people/audit domain."""

from .celery import app as celery_app

__all__ = ("celery_app",)
