"""The fleet view: one row per account and grant with its state (`model`), read from the
store (`load`), as a web app (`web`, `sellerauth serve`) and as Prometheus metrics
(`metrics`); docs/monitoring.md."""
