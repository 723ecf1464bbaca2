"""The services the faces call: build and search the index and show one item (``library``), the
scheduled update (``update``), coverage reports (``report``), exports (``export``), the offline
demo (``demo``) and what each web page shows (``browse``). The CLI and the web call these, never
the engine or the linking room directly."""
