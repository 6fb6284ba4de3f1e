"""Requests that need the Director's decision.

This package shadows the PyPI "requests" library inside the project on purpose (DESIGN §6):
no dependency may need that library.
"""
