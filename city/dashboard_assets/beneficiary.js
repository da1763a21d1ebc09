/* Antrean city — bantuan sosial: the counts for everyone (given, refused as already
 * received), and for officers the recipients given a programme more than once (two posts
 * that both gave while cut off), to follow up. A recipient is a shortened keyed hash: the
 * city never holds a NIK. Every value goes into the DOM as text (dom.js).
 */
import { $, fill, h } from './dom.js';
import { S, call, fmtInt, longDate, t } from './api.js';

const B = { stats: null, flagged: {} };

/** read the counts (and, for an officer, each programme's flagged recipients) */
export async function loadBeneficiaries() {
  B.stats = (await call('/beneficiaries/stats')).programmes || [];
  B.flagged = {};
  if (!S.token) return;
  for (const p of B.stats) {
    const got = await call('/beneficiaries/flagged?programme=' + encodeURIComponent(p.programme));
    B.flagged[p.programme] = got.flagged || [];
  }
}

function gift(g) {
  const where = g.counter === null || g.counter === undefined
    ? g.post_name : t('bn_at_counter', { post: g.post_name, counter: g.counter });
  return where + ', ' + longDate(g.day) + (g.number ? ' (' + g.number + ')' : '');
}

export function renderBeneficiaries() {
  const section = $('bansos');
  const rows = B.stats || [];
  section.hidden = rows.length === 0;
  fill($('bansos-table').tBodies[0], ...rows.map((p) => h('tr', {},
    h('th', { scope: 'row', text: p.programme }),
    h('td', { text: fmtInt(p.given) }),
    h('td', { text: fmtInt(p.refused) }),
    h('td', { class: 'officer-only', text: S.token ? fmtInt((B.flagged[p.programme] || []).length) : '' }))));
  const list = [];
  for (const p of rows) {
    for (const f of B.flagged[p.programme] || []) {
      list.push(h('tr', {},
        h('td', { text: p.programme }),
        h('td', { class: 'mono', text: f.hash }),
        h('td', { text: fmtInt(f.posts) }),
        h('td', { text: f.given.map(gift).join('; ') })));
    }
  }
  fill($('flagged-table').tBodies[0], ...list);
  $('flagged-none').hidden = list.length > 0;
  $('flagged-table').hidden = list.length === 0;
}
