// The choices a chooser shows, whatever their kind (docs/pages.md §2): buttons, links, radio
// buttons (by their label), options, list items. Each is marked `data-sellerauth-choice`; a
// container holding other choices is not one. With `a.account` (a choice's mark), each
// choice says whether it belongs to that account: it shares a deeper ancestor with it than
// with any other account (its own row or list); choices in a group of their own, as near to
// every account, belong to whichever account is chosen.
(a) => {
  const norm = s => (s || '').replace(/\s+/g, ' ').trim();
  const vis = el => el.checkVisibility
    ? el.checkVisibility({visibilityProperty: true}) : el.getClientRects().length > 0;
  const SEL = 'button, [role=button], a[href], input[type=radio], [role=radio], [role=option], '
    + '[role=menuitemradio], [role=tab], li, label, input[type=submit], input[type=button]';
  const textOf = el => {
    if (el.tagName === 'INPUT' && el.type === 'radio') {
      const l = el.labels && el.labels[0];
      return norm(l ? l.innerText : el.getAttribute('aria-label'));
    }
    if (el.tagName === 'INPUT') return norm(el.value);
    return norm(el.innerText || el.getAttribute('aria-label'));
  };
  const all = [...document.querySelectorAll(SEL)]
    .filter(el => vis(el) || (el.tagName === 'INPUT' && el.labels && [...el.labels].some(vis)));
  // A label holding its radio is the radio; a container holding choices is none itself.
  const choices = all.filter(el => !all.some(o => o !== el && el.contains(o))
    && !(el.tagName === 'LABEL' && el.control && all.includes(el.control)));
  const marked = a.account
    ? document.querySelector('[data-sellerauth-choice="' + a.account + '"]') : null;
  const previous = marked && marked.isConnected ? marked
    : (a.accountName ? choices.find(el => textOf(el) === a.accountName) : null);
  document.querySelectorAll('[data-sellerauth-choice]')
    .forEach(e => e.removeAttribute('data-sellerauth-choice'));
  const chain = el => { const c = []; for (let n = el; n; n = n.parentNode) c.push(n); return c; };
  const depth = (x, y) => {
    const up = new Set(chain(x)), c = chain(y).find(n => up.has(n));
    return c ? chain(c).length : 0;
  };
  const accounts = choices.filter(el => a.accounts.includes(textOf(el)));
  return choices.map((el, i) => {
    el.setAttribute('data-sellerauth-choice', String(i + 1));
    let owned = null;
    if (previous && previous.isConnected && !accounts.includes(el)) {
      const mine = depth(previous, el);
      const others = accounts.filter(x => x !== previous).map(x => depth(x, el));
      owned = others.every(d => d <= mine);
    }
    const selected = el.checked === true || el.getAttribute('aria-checked') === 'true'
      || el.getAttribute('aria-pressed') === 'true' || el.getAttribute('aria-selected') === 'true';
    return {mark: String(i + 1), text: textOf(el), owned, selected,
            disabled: !!el.disabled || el.getAttribute('aria-disabled') === 'true'};
  });
}
