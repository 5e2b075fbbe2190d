"""The engine: browsers, settings, secrets, logs, storage and runs; no Amazon knowledge."""
