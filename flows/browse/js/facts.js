// The facts page kinds go by (flows/signin/kinds.py): marker presence, forms, headings,
// controls, the error box. `markers` maps a name to a CSS selector.
(markers) => {
  const shown = el => {
    if (el.tagName === 'SCRIPT' || el.tagName === 'IFRAME' || el.type === 'hidden') return true;
    return el.checkVisibility ? el.checkVisibility() : !!el.offsetParent;
  };
  const visible = el => el.type !== 'hidden' && el.tagName !== 'SCRIPT' && shown(el);
  const all = s => Array.from(document.querySelectorAll(s));
  const text = el => (el.innerText || el.value || el.getAttribute('aria-label') || '')
    .replace(/\s+/g, ' ').trim();
  const pathOf = u => {
    try { return new URL(u, location.href).pathname; } catch (e) { return ''; }
  };
  const seen = {};
  for (const [name, selector] of Object.entries(markers)) {
    seen[name] = all(selector).some(shown);
  }
  const forms = all('form').map(f => ({
    id: f.id || '',
    action: pathOf(f.getAttribute('action') || location.href),
    fields: Array.from(f.querySelectorAll('input, select, textarea')).map(i => ({
      name: i.name || '', type: (i.type || '').toLowerCase(),
      autocomplete: (i.getAttribute('autocomplete') || '').toLowerCase(), visible: visible(i),
    })),
  }));
  const headings = all('h1, h2, h3, h4, [role=heading]').filter(visible).map(text).filter(Boolean);
  const controls = all('button, a, input[type=submit], input[type=button], [role=button]')
    .filter(visible).map(text).filter(Boolean).slice(0, 200);
  const box = document.querySelector('#auth-error-message-box');
  const errors = box && shown(box)
    ? Array.from(box.querySelectorAll('li')).map(text).filter(Boolean) : [];
  if (box && shown(box) && !errors.length) errors.push(text(box));
  return {seen, forms, headings, controls, errors};
}
