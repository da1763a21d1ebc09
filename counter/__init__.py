"""Antrean counter package."""
