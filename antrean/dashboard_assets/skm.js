/* Antrean dashboard — the satisfaction survey (SKM, PermenPANRB 14/2017): IKM and its band,
 * per-element NRR with the weakest first, and the respondents against the minimum sample.
 * The figures come from the hub's /stats ("skm", "skm_sample"); nothing is computed here but
 * the order and the widths of the bars.
 */
import { fill, h } from './dom.js';

/**
 * box: the card's body; st: the stats; names: element id -> {id, en} (GET /survey/questions);
 * fmt: {t, fmtDec, fmtInt, en}.
 */
export function renderSkm(box, st, names, fmt) {
  const { t, fmtDec, fmtInt, en } = fmt;
  const skm = st ? st.skm : null;
  const sample = (st && st.skm_sample) || { respondents: 0, served: 0, minimum: 0 };
  const enough = sample.minimum > 0 && sample.respondents >= sample.minimum;
  const pct = sample.minimum > 0 ? Math.min(100, (100 * sample.respondents) / sample.minimum) : 0;
  const sampleBox = h('div', { class: 'skm-sample' + (enough ? ' ok' : ''), id: 'skm-sample',
                               'data-respondents': sample.respondents, 'data-minimum': sample.minimum },
    h('p', { text: t('skm_sample', { n: fmtInt(sample.respondents), min: fmtInt(sample.minimum),
                                     served: fmtInt(sample.served) }) }),
    h('div', { class: 'meter', role: 'presentation' },
      h('span', { 'data-pct': Math.round(pct) })),
    h('p', { class: 'hint', text: sample.minimum === 0 ? t('skm_sample_none')
      : enough ? t('skm_sample_ok') : t('skm_sample_short', { n: fmtInt(sample.minimum - sample.respondents) }) }));
  // (the bar's width is set as a property: the page's CSP allows no inline style attribute)
  const bar = sampleBox.querySelector('.meter span');
  bar.style.width = pct + '%';
  if (!skm) {
    fill(box, h('p', { class: 'empty', id: 'skm-none', text: t('skm_none') }), sampleBox);
    return;
  }
  const name = (id) => (names[id] ? (en && names[id].en) || names[id].id : id);
  const order = Object.keys(skm.nrr).sort((a, b) => skm.nrr[a] - skm.nrr[b]);
  const head = h('div', { class: 'skm-head' },
    h('div', { class: 'ikm' },
      h('span', { class: 'kpi-label', text: t('skm_ikm') }),
      h('strong', { id: 'skm-ikm', 'data-value': skm.ikm, text: fmtDec(skm.ikm, 2) })),
    h('div', { class: 'mutu mutu-' + skm.mutu, id: 'skm-mutu', 'data-value': skm.mutu },
      h('strong', { text: skm.mutu }), h('span', { text: t('mutu_' + skm.mutu.toLowerCase()) })),
    h('p', { class: 'hint', id: 'skm-respondents', 'data-value': skm.respondents,
             text: t('skm_respondents', { n: fmtInt(skm.respondents) }) }));
  const rows = order.map((id, i) => {
    const v = skm.nrr[id];
    const w = h('span');
    w.style.width = Math.max(0, Math.min(100, ((v - 1) / 3) * 100)) + '%';
    return h('tr', { 'data-element': id, class: i === 0 ? 'weakest' : null },
      h('th', { scope: 'row', text: name(id) }),
      h('td', { class: 'num', 'data-value': v, text: fmtDec(v, 2) }),
      h('td', { class: 'nrr-bar' }, h('div', { class: 'meter' }, w)));
  });
  const table = h('table', { id: 'skm-table', class: 'num skm-table' },
    h('thead', null, h('tr', null, h('th', { scope: 'col', text: t('skm_element') }),
      h('th', { scope: 'col', text: t('skm_nrr') }), h('th', { scope: 'col', text: '' }))),
    h('tbody', null, rows));
  fill(box, head, h('p', { class: 'hint', text: t('skm_weakest_first') }),
    h('div', { class: 'table-wrap' }, table), sampleBox);
}
