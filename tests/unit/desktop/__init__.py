"""Tests of tactful.desktop."""
