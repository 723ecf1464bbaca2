"""Harvesting and the raw archive store of casearchive (never imports ``index``)."""

__version__ = "0.1.0"
