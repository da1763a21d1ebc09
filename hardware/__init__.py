"""Antrean hardware package."""
