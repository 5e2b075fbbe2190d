"""Seller Central: page objects, the sign-in loop, and the register/status/renew flows."""
