"""Page objects, one per page of shared/PAGES.md; every locator and visible text lives here."""
