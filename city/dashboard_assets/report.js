/* Antrean — the printable period report ("Laporan keluaran"), an ES module.
 *
 * Reads /city/v1/report and /city/v1/trend for the period in the address (?from=&to=, the
 * last 30 days by default) and lays them out for A4 paper (report.css, @media print).
 * /city/report uses the officer token the dashboard keeps (or "#token=…", for a headless
 * browser printing to PDF); /city/public/report, or no token, reads the public aggregates.
 */
import { $, fill, h } from './dom.js';
import {
  PUBLIC_ONLY, S, CityError, addDays, applyWords, call, download, fmtDec, fmtInt, fmtMin, fmtMoney,
  fmtPct, isDay, longDate, period, readStart, serviceName, setLang, shortDate, t, daysOf, clock,
} from './api.js';
import { barChart } from './trend.js';

const R = { from: null, to: null, report: null, trend: null, health: null };
const SAT = [4, 3, 2, 1];

// ----- building blocks ------------------------------------------------------------------
function table(id, heads, rows, total) {
  const el = $(id);
  fill(el.tHead, h('tr', null, heads.map((x, i) => h('th', { scope: 'col', class: i ? null : 'first' }, x))));
  const body = rows.length ? rows : [h('tr', null, h('td', { colspan: heads.length, class: 'empty', text: t('no_data') }))];
  fill(el.tBodies[0], body, total || null);
}

function row(name, cells, attrs) {
  return h('tr', attrs || null, h('th', { scope: 'row', text: name }),
    cells.map((c) => (c instanceof Node ? c : h('td', { text: c }))));
}

function totalRow(cells) {
  return row(t('city'), cells, { class: 'total' });
}

function figure(label, value, raw, cls, note) {
  return h('div', { class: 'fig' + (cls ? ' ' + cls : ''), 'data-key': cls || null },
    h('span', { class: 'lbl', text: label }),
    h('strong', { class: 'val', text: value, 'data-value': raw === null || raw === undefined ? '' : String(raw) }),
    note ? h('span', { class: 'note', text: note }) : null);
}

// ----- sections -------------------------------------------------------------------------
function renderSummary(rep) {
  const c = rep.city;
  const cost = c.cost || {};
  const sat = c.satisfaction || {};
  fill($('summary'),
    figure(t('served'), fmtInt(c.served), c.served, 'served main'),
    figure(t('issued'), fmtInt(c.issued), c.issued, 'issued'),
    figure(t('no_show'), fmtInt(c.no_show), c.no_show, 'no_show'),
    figure(t('rpt_posts_active'), fmtInt(c.posts_active), c.posts_active, 'posts_active'),
    figure(t('rpt_post_days'), fmtInt(c.post_days), c.post_days, 'post_days'),
    figure(t('avg_wait') + ' (' + t('min') + ')', fmtMin(c.wait.avg_s), c.wait.avg_s, 'wait_avg'),
    figure(t('p90_wait') + ' (' + t('min') + ')', fmtMin(c.wait.p90_s), c.wait.p90_s, 'wait_p90'),
    figure(t('rpt_sat_avg'), fmtDec(sat.avg, 2), sat.avg, 'sat', t('rpt_n_ratings', { n: fmtInt(sat.count) })),
    figure(t('rpt_ikm'), c.skm ? fmtDec(c.skm.ikm, 2) : '–', c.skm ? c.skm.ikm : null, 'ikm main',
      c.skm ? t('rpt_ikm_note', { mutu: c.skm.mutu, kinerja: kinerja(c.skm), n: fmtInt(c.skm.respondents) })
        : t('rpt_no_skm')),
    figure(t('complaints'), fmtInt(c.complaints.count), c.complaints.count, 'complaints'),
    figure(t('rpt_cost'), c.cost ? fmtMoney(cost.total, rep.currency) : t('rpt_no_cost'), cost.total, 'cost'),
    figure(t('rpt_cost_per'), c.cost ? fmtMoney(cost.per_served, rep.currency) : '–', cost.per_served, 'cost_per main'));
}

function renderDaily(rep, trend) {
  const days = (trend && trend.days) || [];
  const values = new Map(days.map((d) => [d.date, {
    v: d.served, tip: t('served_tip', { date: longDate(d.date), n: fmtInt(d.served), posts: fmtInt(d.posts_active) }),
  }]));
  barChart($('daily'), daysOf(rep.from, rep.to), values, { label: t('rpt_daily'), cls: 'all' },
    { t, fmtInt, fmtDec, shortDate, en: S.lang === 'en' });
}

function renderMatrix(rep) {
  const svcs = rep.services;
  const heads = [t('post'), ...svcs.map((s) => h('span', null, h('span', { class: 'svc-letter', text: s.letter }), serviceName(s))), t('total')];
  const rows = rep.posts.map((p) => {
    const by = new Map(p.services.map((s) => [s.id, s.served]));
    return row(p.name, [...svcs.map((s) => fmtInt(by.get(s.id) || 0)), h('td', { class: 'sum', text: fmtInt(p.served) })], { 'data-post': p.post });
  });
  table('matrix', heads, rows, totalRow([...svcs.map((s) => fmtInt(s.served)), fmtInt(rep.city.served)]));
}

function waitCells(p) {
  return [fmtInt(p.wait.count), fmtMin(p.wait.avg_s), fmtMin(p.wait.median_s), fmtMin(p.wait.p90_s),
    fmtMin(p.wait_priority.avg_s), fmtMin(p.wait_regular.avg_s)];
}

function renderWaits(rep) {
  table('waits', [t('post'), t('rpt_called'), t('avg'), t('median'), t('p90'), t('priority'), t('regular')],
    rep.posts.map((p) => row(p.name, waitCells(p), { 'data-post': p.post })), totalRow(waitCells(rep.city)));
}

function svcCells(s) {
  return [fmtInt(s.issued), fmtInt(s.served), fmtInt(s.no_show), fmtInt(s.cancelled), fmtMin(s.wait.avg_s),
    fmtMin(s.wait.p90_s), fmtMin(s.service_avg_s)];
}

function renderServices(rep) {
  table('services', [t('service'), t('issued_short'), t('served_short'), t('no_show'), t('rpt_cancelled'),
    t('avg_wait'), t('p90_wait'), t('svc_time')],
  rep.services.map((s) => row(s.letter + ' ' + serviceName(s), svcCells(s), { 'data-service': s.id })),
  totalRow(svcCells(rep.city)));
}

function satCells(p, officer) {
  const sat = p.satisfaction;
  const c = sat.counts || {};
  const cells = [fmtInt(sat.count), fmtDec(sat.avg, 2), ...SAT.map((k) => fmtInt(c[k] || 0)),
    fmtPct((c['4'] || 0) + (c['3'] || 0), sat.count), fmtInt(p.complaints.count)];
  if (officer) {
    const by = p.complaints.by_category || {};
    cells.push(h('td', { class: 'text', text: Object.keys(by).sort((a, b) => by[b] - by[a]).map((k) => t('cat_' + k) + ' ' + by[k]).join(', ') || '–' }));
  }
  return cells;
}

function renderSatisfaction(rep) {
  const officer = 'by_category' in rep.city.complaints;
  const heads = [t('post'), t('ratings'), t('avg'), ...SAT.map((k) => t('sat_' + k)), t('satisfied'), t('complaints')];
  if (officer) heads.push(t('by_category'));
  table('satisfaction', heads, rep.posts.map((p) => row(p.name, satCells(p, officer), { 'data-post': p.post })),
    totalRow(satCells(rep.city, officer)));
}

const kinerja = (s) => (S.lang === 'en' ? s.kinerja_en : s.kinerja);

// The SKM survey (PermenPANRB 14/2017): respondents against the minimum sample, each
// element's NRR (U1-U9), the IKM of every respondent of the period, its band and words.
function skmCells(p, elements) {
  const s = p.skm;
  const sample = p.skm_sample || { respondents: 0, minimum: 0 };
  const below = sample.respondents > 0 && sample.respondents < sample.minimum; // no IKM: nothing to qualify
  return [fmtInt(sample.respondents) + (below ? '*' : ''), fmtInt(sample.minimum),
    ...elements.map((e) => (s ? fmtDec(s.nrr[e.id], 3) : '–')),
    h('td', { class: 'sum', text: s ? fmtDec(s.ikm, 2) : '–' }),
    s ? s.mutu : '–', h('td', { class: 'text', text: s ? kinerja(s) : '–' })];
}

function renderSkm(rep) {
  const elements = rep.skm_elements || [];
  const heads = [t('post'), t('rpt_skm_n'), t('rpt_skm_min'),
    ...elements.map((e) => h('abbr', { title: S.lang === 'en' ? e.name_en : e.name, text: e.code })),
    t('ikm'), t('mutu'), t('rpt_kinerja')];
  table('skm', heads, rep.posts.map((p) => row(p.name, skmCells(p, elements), { 'data-post': p.post })),
    totalRow(skmCells(rep.city, elements)));
  fill($('skm-legend'), t('rpt_skm_nrr') + ' ' + elements.map((e) => e.code + ' ' + (S.lang === 'en' ? e.name_en : e.name)).join(' · ') + '.');
}

function costCells(p, currency) {
  const c = p.cost;
  if (!c) return [fmtInt(p.post_days), '–', '–', fmtInt(p.served), '–'];
  return [fmtInt(p.post_days), c.post_days ? fmtMoney(Math.round(c.total / c.post_days), currency) : '–',
    fmtMoney(c.total, currency), fmtInt(p.served), fmtMoney(c.per_served, currency)];
}

function renderCosts(rep) {
  const cityCells = costCells(rep.city, rep.currency);
  cityCells[1] = ''; // the posts' daily costs differ: no one figure for the city
  table('costs', [t('post'), t('rpt_days_open'), t('rpt_cost_day'), t('rpt_cost'), t('served_short'), t('rpt_cost_per')],
    rep.posts.map((p) => row(p.name, costCells(p, rep.currency), { 'data-post': p.post })), totalRow(cityCells));
}

function render() {
  const rep = R.report;
  document.body.classList.remove('loading');
  const city = (R.health && R.health.city) || {};
  $('city-name').textContent = (S.lang === 'en' && city.name_en) || city.name || (rep && rep.city_name) || '';
  document.title = t('rpt_title') + ' — ' + $('city-name').textContent + ' — ' + (R.from ? period(R.from, R.to) : '');
  if (!rep) return;
  $('period').textContent = period(rep.from, rep.to);
  $('days').textContent = t('rpt_days', { n: fmtInt(rep.days_reported) });
  $('generated').textContent = rep.generated_at ? longDate(rep.generated_at.slice(0, 10)) + ' ' + clock(rep.generated_at) : '';
  const isPublic = !('by_category' in rep.city.complaints);
  $('public-mark').hidden = !isPublic;
  document.body.classList.toggle('public', isPublic);
  renderSummary(rep);
  renderDaily(rep, R.trend);
  renderMatrix(rep);
  renderWaits(rep);
  renderServices(rep);
  renderSatisfaction(rep);
  renderSkm(rep);
  renderCosts(rep);
}

// ----- loading --------------------------------------------------------------------------
function say(text, cls) {
  const box = $('status');
  box.hidden = !text;
  box.className = 'status ' + (cls || 'warn');
  box.textContent = text || '';
}

async function load() {
  const q = 'from=' + R.from + '&to=' + R.to;
  history.replaceState(null, '', location.pathname + '?' + q);
  $('from').value = R.from;
  $('to').value = R.to;
  say(t('rpt_loading'), 'info');
  try {
    const [rep, trend] = await Promise.all([call('/report?' + q), call('/trend?' + q)]);
    R.report = rep;
    R.trend = trend;
    say(!PUBLIC_ONLY && !S.token ? t('rpt_need_login') : null, 'info');
  } catch (e) {
    R.report = null;
    say(e instanceof CityError ? e.text() : String(e), 'error');
  }
  render();
  document.body.dataset.ready = R.report ? 'yes' : 'error'; // for the headless printer and tests
}

async function start() {
  const given = readStart();
  applyWords();
  $('lang').textContent = t('other_lang');
  $('back').href = PUBLIC_ONLY ? '/city/public' : '/city';
  try {
    R.health = await call('/health');
  } catch (e) {
    say(e instanceof CityError ? e.text() : String(e), 'error');
  }
  const today = R.health && typeof R.health.time === 'string' ? R.health.time.slice(0, 10) : new Date().toISOString().slice(0, 10);
  R.to = given.to && given.to <= today ? given.to : today;
  R.from = given.from && given.from <= R.to ? given.from : addDays(R.to, -29);
  const change = () => {
    const f = $('from').value;
    const to = $('to').value;
    if (!isDay(f) || !isDay(to)) return;
    if (f > to) { say(t('range_bad'), 'error'); return; }
    R.from = f;
    R.to = to;
    load();
  };
  $('from').addEventListener('change', change);
  $('to').addEventListener('change', change);
  $('range').addEventListener('submit', (ev) => ev.preventDefault());
  $('print').addEventListener('click', () => window.print());
  $('lang').addEventListener('click', () => {
    setLang(S.lang === 'en' ? 'id' : 'en');
    applyWords();
    $('lang').textContent = t('other_lang');
    render();
  });
  $('dl-xlsx').addEventListener('click', async () => {
    try {
      $('dl-msg').textContent = t('downloaded', { name: await download('/report?from=' + R.from + '&to=' + R.to + '&format=xlsx', 'laporan-keluaran.xlsx') });
    } catch (e) {
      $('dl-msg').textContent = e instanceof CityError ? e.text() : String(e);
    }
  });
  await load();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
