"""One module per page: `layout(stores, account, search)` and `register(app, stores)`."""
