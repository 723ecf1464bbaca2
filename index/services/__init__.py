"""The services the faces call: build and search the index and show one item (``library``), the
scheduled update (``update``), coverage reports (``report``), exports (``export``) and the offline
demo (``demo``). The CLI and the web call these, never the engine or the linking room directly."""
