// How near each marked control stands to the words `a.words`: the depth of the deepest element
// holding both (0 when the words are not on the page). The control of a line is the nearest.
(a) => {
  const holds = e => a.words.some(w => (e.innerText || '').includes(w));
  const lines = [...document.querySelectorAll('body *')]
    .filter(e => holds(e) && ![...e.children].some(holds));
  const chain = el => { const c = []; for (let n = el; n; n = n.parentNode) c.push(n); return c; };
  const depth = (x, y) => {
    const up = new Set(chain(x)), c = chain(y).find(n => up.has(n));
    return c ? chain(c).length : 0;
  };
  return a.marks.map(m => {
    const el = document.querySelector('[data-sellerauth="' + m + '"]');
    return el ? Math.max(0, ...lines.map(l => depth(l, el))) : 0;
  });
}
