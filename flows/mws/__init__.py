"""MWS: grant our developer access (register), read it (status), renew it (renew)."""
