"""The SP-API pages: the consent page and Manage Your Apps (docs/pages.md)."""
