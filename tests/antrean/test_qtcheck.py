"""The startup check that keeps a crashing PySide6 off Python 3.11."""

from __future__ import annotations

from antrean.qtcheck import unsafe_pyside


def test_pyside_612_is_refused_on_311_only():
    assert unsafe_pyside((3, 11), "6.12.0") is not None
    assert "6.12.1" in (unsafe_pyside((3, 11), "6.12.1") or "")
    assert unsafe_pyside((3, 11), "6.11.3") is None
    assert unsafe_pyside((3, 13), "6.12.0") is None


def test_the_installed_pair_is_safe():
    assert unsafe_pyside() is None  # what pyproject.toml resolves to here
