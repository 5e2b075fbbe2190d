"""Page objects, one per page of docs/pages.md; every locator and visible text lives here."""
