"""One module per page: `layout(settings, account, search)` and `register(app, settings)`."""
