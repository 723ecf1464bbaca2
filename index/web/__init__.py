"""The web server: search, clips, cases and status in the browser, with a JSON twin for each page."""

from index.web.app import create_app

__all__ = ["create_app"]
