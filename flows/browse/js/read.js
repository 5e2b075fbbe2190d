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
  const tables = [];
  for (const t of document.querySelectorAll(TABLES)) {
    if (!vis(t)) continue;
    const rows = [];
    for (const r of t.querySelectorAll(ROWS)) {
      if (r.closest(TABLES) !== t || !vis(r)) continue;
      const cells = [...r.querySelectorAll(CELLS)].filter(c => c.closest(ROWS) === r);
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
    // The pager and its next-page control: in the smallest block around the table holding a
    // pager text and no other visible table.
    let pagerText = null, next = null;
    const top = document.documentElement;
    for (let box = t.parentElement; box && box !== top; box = box.parentElement) {
      const others = [...box.querySelectorAll(TABLES)]
        .filter(o => o !== t && !t.contains(o) && !o.contains(t) && vis(o));
      if (others.length) break;
      const found = [...box.querySelectorAll('*')]
        .filter(e => !t.contains(e) && vis(e) && pager.test(e.innerText || ''));
      if (found.length) {
        pagerText = norm(found[found.length - 1].innerText).match(pager)[0];
        const nx = [...box.querySelectorAll(CONTROLS)]
          .filter(e => !t.contains(e) && vis(e) && a.next.includes(name(e)));
        if (nx.length) next = control(nx[0]);
        break;
      }
    }
    tables.push({mark: mark(t), rows, pager: pagerText, next});
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
    // Without th / columnheader cells, the first row is the header (a `td` header row).
    const data = t.rows.some(r => r.header) ? t.rows.filter(r => !r.header).length
      : t.rows.length - 1;
    return data >= +m[2] - +m[1] + 1;
  });
  return {url: location.href, text: document.body ? document.body.innerText : '', loading,
          tables, dialogs, controls, ready};
}
