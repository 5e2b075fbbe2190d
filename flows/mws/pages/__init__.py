"""The MWS pages: the permissions screen and the registration screens (docs/pages.md)."""
