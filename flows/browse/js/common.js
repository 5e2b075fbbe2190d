// Helpers every in-page script of the look shares (prepended to read.js and settle.js).
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  // Visible as a person sees it: rendered, and not moved off the page (a copy placed at
  // left: -9999px is as hidden as one with display: none).
  const onPage = el => {
    const r = el.getBoundingClientRect();
    if (!r.width && !r.height) return true;  // display: contents and the like: no box of its own
    return r.right + window.scrollX > 0 && r.bottom + window.scrollY > 0;
  };
  const vis = el => (el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0)
    && onPage(el);
  const CONTROLS = 'a[href], button, [role=button], [role=link], '
    + 'input[type=submit], input[type=button]';
  const TABLES = 'table, [role=table], [role=grid]';
  const ROWS = 'tr, [role=row]';
  const CELLS = 'th, td, [role=cell], [role=gridcell], [role=columnheader], [role=rowheader]';
  const DIALOGS = '[role=dialog], [role=alertdialog], dialog';
  const name = el => norm(el.tagName === 'INPUT' ? el.value
    : (el.innerText || el.getAttribute('aria-label') || el.getAttribute('title')));
