/* Antrean dashboard — bantuan sosial (DESIGN "Duplicate recipients"): per programme, the
 * residents given and refused as already received, today and in all, for anyone; for the
 * lead also the recipients given more than once (a shortened keyed hash, where and when),
 * to follow up. Nothing here ever names a resident: the hub keeps no NIK.
 */
import { fill, h } from './dom.js';

/** read the counts (GET /beneficiaries/stats) and, with a lead token, the flagged lists */
export async function loadBansos(call, lead) {
  const stats = await call('/beneficiaries/stats');
  const flagged = {};
  if (lead) {
    for (const p of stats.programmes || []) {
      const got = await call('/beneficiaries/flagged?programme=' + encodeURIComponent(p.programme), { auth: true });
      flagged[p.programme] = got.flagged || [];
    }
  }
  return { stats, flagged };
}

/** box: the card's body; data: loadBansos()'s answer; fmt: {t, fmtInt, longDate} */
export function renderBansos(card, box, data, lead, fmt) {
  const { t, fmtInt, longDate } = fmt;
  const programmes = (data && data.stats && data.stats.programmes) || [];
  card.hidden = programmes.length === 0;
  const rows = programmes.map((p) => h('tr', { 'data-programme': p.programme },
    h('th', { scope: 'row', text: p.programme }),
    h('td', { text: fmtInt(p.today.given) }), h('td', { text: fmtInt(p.today.refused) }),
    h('td', { text: fmtInt(p.total.given) }), h('td', { text: fmtInt(p.total.refused) })));
  const table = h('table', { id: 'bansos-table', class: 'num' },
    h('thead', null, h('tr', null, h('th', { scope: 'col', text: t('bn_programme') }),
      h('th', { scope: 'col', text: t('bn_given_today') }), h('th', { scope: 'col', text: t('bn_refused_today') }),
      h('th', { scope: 'col', text: t('bn_given_all') }), h('th', { scope: 'col', text: t('bn_refused_all') }))),
    h('tbody', null, rows));
  const kids = [h('div', { class: 'table-wrap' }, table)];
  if (lead) {
    const gift = (g) => t('bn_gift', { post: g.post_name, counter: g.counter ?? '–', day: longDate(g.day) })
      + (g.number ? ' (' + g.number + ')' : '');
    const flagged = programmes.flatMap((p) => (data.flagged[p.programme] || []).map((f) =>
      h('li', { 'data-hash': f.hash, text: p.programme + ' · ' + f.hash + ': ' + f.given.map(gift).join('; ') })));
    kids.push(h('h3', { text: t('bn_flagged') }),
      flagged.length ? h('ul', { id: 'bansos-flagged' }, flagged)
        : h('p', { class: 'hint', id: 'bansos-flagged-none', text: t('bn_none') }));
  }
  kids.push(h('p', { class: 'hint', text: t('bn_hint') }));
  fill(box, ...kids);
}
