"""Recommender systems (placeholder docstring)."""
