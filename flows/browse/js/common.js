// Helpers every in-page script of the look shares (prepended to read.js and settle.js).
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const vis = el => el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  const CONTROLS = 'a[href], button, [role=button], [role=link], '
    + 'input[type=submit], input[type=button]';
  const TABLES = 'table, [role=table], [role=grid]';
  const ROWS = 'tr, [role=row]';
  const CELLS = 'th, td, [role=cell], [role=gridcell], [role=columnheader], [role=rowheader]';
  const DIALOGS = '[role=dialog], [role=alertdialog], dialog';
  const name = el => norm(el.tagName === 'INPUT' ? el.value
    : (el.innerText || el.getAttribute('aria-label') || el.getAttribute('title')));
