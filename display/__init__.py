"""Antrean display package."""
