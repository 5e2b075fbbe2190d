// After a click: 'navigated', 'dialog', 'changed' or false (keep polling).
(a) => {
  /* common.js */
  if (!window.__sellerauthRead) return document.readyState === 'loading' ? false : 'navigated';
  if (a.dialogs && [...document.querySelectorAll(DIALOGS)].some(vis)) return 'dialog';
  if (a.row) {
    const r = document.querySelector('[data-sellerauth="' + a.row + '"]');
    if (!r || !vis(r) || norm(r.innerText) !== a.sig) return 'changed';
  }
  if (a.pager && !norm(document.body.innerText).includes(a.pager)) return 'changed';
  if (a.gone) {
    const d = document.querySelector('[data-sellerauth="' + a.gone + '"]');
    if (!d || !vis(d)) return 'changed';
  }
  return false;
}
