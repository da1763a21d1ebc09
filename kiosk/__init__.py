"""Antrean kiosk package."""
