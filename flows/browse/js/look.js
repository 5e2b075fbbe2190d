// One look at a loaded page, in one round trip: the facts (facts.js), what it shows (read.js)
// and the HTTP status its document came with. With `a.wait`, polls every `a.poll` ms until the
// page is ready (no loading note, every table holding the rows its pager announces) or
// `a.timeout` ms have passed; with `a.onlyNew`, null when this document was read before.
async (a) => {
  const facts = /* facts.js */;
  const read = /* read.js */;
  if (a.onlyNew && window.__sellerauthRead) return null;
  const deadline = Date.now() + a.timeout;
  for (;;) {
    const snap = read(a);
    if (snap.ready || !a.wait || Date.now() >= deadline) {
      const nav = performance.getEntriesByType('navigation')[0];
      // One JSON string: Playwright then checks and parses one value instead of walking
      // every key of the reading (2-7 ms a look); undefined is kept as null, as it would be.
      const status = (nav && nav.responseStatus) || null;
      return JSON.stringify({facts: facts(a.markers), snap, status},
        (key, value) => value === undefined ? null : value);
    }
    await new Promise(done => setTimeout(done, a.poll));
  }
}
