"""Signing in: the loop over sign-in pages, page kinds, the account chooser, a person taking
over."""
