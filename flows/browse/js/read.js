// What the page shows: tables (any shape), pagers, controls, dialogs; marks what it returns.
(a) => {
  /* common.js */
  const pager = new RegExp(a.pager);
  window.__sellerauthRead = true;
  let n = 0;
  document.querySelectorAll('[data-sellerauth]').forEach(e => e.removeAttribute('data-sellerauth'));
  const mark = el => {
    const had = el.getAttribute('data-sellerauth');
    if (had) return had;
    const id = String(++n);
    el.setAttribute('data-sellerauth', id);
    return id;
  };
  const control = el => ({name: name(el), mark: mark(el)});
  // Tables in document order; a pager, a next-page control or page numbers belong to the last
  // table before them, unless a heading stands between (a new section).
  const shown = [...document.querySelectorAll(TABLES)].filter(vis);
  const HEADINGS = 'h1, h2, h3, h4, h5, h6, [role=heading], legend';
  const headings = [...document.querySelectorAll(HEADINGS)].filter(vis);
  const before = (x, y) => !!(x.compareDocumentPosition(y) & Node.DOCUMENT_POSITION_FOLLOWING);
  const owner = el => {
    let found = null;
    for (const t of shown) if (!t.contains(el) && before(t, el)) found = t;
    if (!found || el.closest(TABLES)) return null;
    return headings.some(h => before(found, h) && before(h, el) && !h.contains(el)) ? null : found;
  };
  const bare = s => s.replace(/[›»>→‹«<←]/g, '').trim();
  const paging = new Map(shown.map(t => [t, {pager: null, next: null, pages: []}]));
  for (const e of document.querySelectorAll('body *')) {
    if (!vis(e) || !pager.test(e.innerText || '')) continue;
    if ([...e.children].some(c => pager.test(c.innerText || ''))) continue;
    const t = owner(e);
    if (t) paging.get(t).pager = norm(e.innerText).match(pager)[0];
  }
  for (const e of document.querySelectorAll(CONTROLS)) {
    if (!vis(e)) continue;
    const t = owner(e);
    if (!t) continue;
    // An arrow alone (`‹` `›`) is named by its aria-label or title, as a screen reader says it.
    const label = bare(name(e)) || norm(e.getAttribute('aria-label') || e.getAttribute('title'));
    if (a.next.includes(label) && !paging.get(t).next) paging.get(t).next = control(e);
    else if (/^\d{1,3}$/.test(label)) paging.get(t).pages.push(control(e));
  }
  const titleOf = t => {
    const own = t.querySelector('caption') || null;
    if (own && vis(own)) return norm(own.innerText);
    if (t.getAttribute('aria-label')) return norm(t.getAttribute('aria-label'));
    const by = t.getAttribute('aria-labelledby');
    if (by && document.getElementById(by)) return norm(document.getElementById(by).innerText);
    const h = headings.filter(h => before(h, t) && !h.closest(TABLES)).pop();
    return h ? norm(h.innerText) : null;
  };
  const tables = [];
  for (const t of shown) {
    const rows = [];
    for (const r of t.querySelectorAll(ROWS)) {
      if (r.closest(TABLES) !== t || !vis(r)) continue;
      const cells = [...r.querySelectorAll(CELLS)].filter(c => c.closest(ROWS) === r && vis(c));
      if (!cells.length) continue;
      rows.push({
        mark: mark(r),
        text: norm(r.innerText),
        header: cells.every(c => c.tagName === 'TH' || c.getAttribute('role') === 'columnheader'),
        cells: cells.map(c => {
          const copy = c.cloneNode(true);
          const hidden = ', [hidden], [style*="display:none"], [style*="display: none"]';
          copy.querySelectorAll(CONTROLS + hidden)
            .forEach(e => e.remove());
          return {text: norm(copy.textContent), full: norm(c.innerText),
                  controls: [...c.querySelectorAll(CONTROLS)].filter(vis).map(control)};
        }),
      });
    }
    const p = paging.get(t);
    tables.push({mark: mark(t), rows, pager: p.pager, next: p.next, pages: p.pages,
                 title: titleOf(t)});
  }
  const loading = [...document.querySelectorAll('body *')].some(e =>
    e.children.length === 0 && a.loading.some(w => (e.textContent || '').includes(w)) && vis(e));
  const dialogs = [...document.querySelectorAll(DIALOGS)].filter(vis).map(d => ({
    text: norm(d.innerText),
    controls: [...d.querySelectorAll(CONTROLS)].filter(vis).map(control)}));
  const controls = [...document.querySelectorAll(CONTROLS)]
    .filter(e => vis(e) && !e.closest(TABLES) && !e.closest(DIALOGS)).map(control);
  const ready = !loading && tables.every(t => {
    const m = t.pager && t.pager.match(pager);
    if (!m || +m[3] === 0) return true;
    // Without th / columnheader cells, a first row holding no digit is the header (a `td`
    // header row); data rows hold IDs and dates.
    const data = t.rows.some(r => r.header) ? t.rows.filter(r => !r.header).length
      : t.rows.length - (t.rows.length && !/\d/.test(t.rows[0].text) ? 1 : 0);
    return data >= +m[2] - +m[1] + 1;
  });
  return {url: location.href, text: document.body ? document.body.innerText : '', loading,
          tables, dialogs, controls, ready};
}
