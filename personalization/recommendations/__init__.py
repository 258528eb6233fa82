"""Recommendations: the model registry, training from tracked behaviour, its tasks, admin and API."""
