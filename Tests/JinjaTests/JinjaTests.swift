// Jinja tests: see issue 3.
