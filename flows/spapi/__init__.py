"""SP-API: authorize our app (authorize), read its authorization (app-status), renew it
(app-renew)."""
