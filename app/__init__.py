"""Pregonero core: domain model, store, checks and network clients. Never imports Qt."""

__version__ = "0.1.0"
