"""The engine: browsers, settings, secrets, logs, storage, runs and the CLI builder; it knows no
site (the site, in `flows`, is handed to it by the composition root, `sellerauth`)."""
