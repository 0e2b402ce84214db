"""Tactful: a desktop phrasebook and tone helper for customer-support agents."""

__version__ = "0.1.0"
