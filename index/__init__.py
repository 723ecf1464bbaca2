"""The Whoosh index, linking, search, the CLI and the web server of casearchive."""
