/* Antrean — the city dashboard (an ES module; api.js, words.js, trend.js, placemap.js and the
 * post dashboard's dom.js/charts.js beside it).
 *
 * Plain JS, no build step, nothing from the internet: the city server serves these files.
 * Today's picture (/posts, /stats) is polled every few seconds; the range's (/trend,
 * /report) when the range changes and every minute. Without an officer token the page
 * reads the public aggregates; /city/public never offers a sign-in. Every value from the
 * city goes into the DOM as text (dom.js), never as HTML.
 */
import { $, fill, h } from './dom.js';
import { face } from './charts.js';
import {
  PUBLIC_ONLY, S, CityError, addDays, applyWords, call, clock, daysOf, download, fmtDec, fmtInt,
  fmtMin, fmtPct, isDay, longDate, period, readStart, serviceName, setLang, setToken, shortDate, t,
} from './api.js';
import { barChart, lineChart } from './trend.js';
import { placeMap } from './placemap.js';
import { loadBeneficiaries, renderBeneficiaries } from './beneficiary.js';

const REFRESH_MS = 10000;
const RANGE_EVERY = 6; // range figures every 6th refresh (a minute)

const D = {
  today: null, from: null, to: null, followToday: true, span: 30,
  health: null, posts: null, stats: null, trend: null, report: null,
  rangeKey: null, ticks: 0, lastOk: null, timer: null, busy: false, again: false,
  notice: null, trendPost: '',
};

const fmt = () => ({ t, fmtInt, fmtDec, shortDate, en: S.lang === 'en' });

// ----- the refresh loop -----------------------------------------------------------------
function refreshNow() {
  clearTimeout(D.timer);
  if (D.busy) { D.again = true; return; }
  tick();
}

async function tick() {
  D.busy = true;
  const problems = [];
  try {
    onHealth(await call('/health'));
    const key = [D.from, D.to, D.trendPost, S.token ? 'o' : 'p'].join('|');
    const range = key !== D.rangeKey || D.ticks % RANGE_EVERY === 0;
    const q = 'from=' + D.from + '&to=' + D.to;
    const jobs = [call('/posts'), call('/stats?date=' + D.today)];
    if (range) {
      jobs.push(call('/trend?' + q + (D.trendPost ? '&post=' + encodeURIComponent(D.trendPost) : '')));
      jobs.push(call('/report?' + q + '&waits=avg')); // exact percentiles: the printed report
    }
    const [posts, stats, trend, report] = await Promise.allSettled(jobs);
    for (const r of [posts, stats, trend, report]) if (r && r.status === 'rejected') problems.push(r.reason);
    try { await loadBeneficiaries(); } catch (e) { problems.push(e); }
    if (posts.status === 'fulfilled') D.posts = posts.value;
    if (stats.status === 'fulfilled') D.stats = stats.value;
    if (range) {
      const ok = trend.status === 'fulfilled' && report.status === 'fulfilled';
      if (trend.status === 'fulfilled') D.trend = trend.value;
      if (report.status === 'fulfilled') D.report = report.value;
      if (key !== D.rangeKey && !ok) { D.trend = null; D.report = null; } // never another range's
      D.rangeKey = ok ? key : null;
    }
    if (posts.status === 'fulfilled') D.lastOk = D.health.time;
    D.ticks += 1;
  } catch (e) {
    problems.push(e);
  }
  const authFail = problems.find((p) => p instanceof CityError && (p.kind === 'auth' || p.kind === 'forbidden'));
  if (authFail && S.token) {
    setToken(null); // a revoked or mistyped token: back to the public view, and say why
    D.notice = authFail.text();
    D.rangeKey = null;
    D.busy = false;
    refreshNow();
    return;
  }
  render();
  showProblems(problems);
  if (D.posts && D.rangeKey) document.body.dataset.ready = 'yes'; // for tests and screenshots
  D.busy = false;
  if (D.again) { D.again = false; refreshNow(); return; }
  D.timer = setTimeout(tick, REFRESH_MS);
}

function onHealth(health) {
  D.health = health;
  const today = typeof health.time === 'string' ? health.time.slice(0, 10) : D.today;
  if (today !== D.today) {
    D.today = today;
    $('from').max = today;
    $('to').max = today;
  }
  if (D.followToday || !D.to) {
    D.to = today;
    D.from = addDays(today, -(D.span - 1));
  }
  $('from').value = D.from;
  $('to').value = D.to;
  const city = health.city || {};
  const name = (S.lang === 'en' && city.name_en) || city.name || 'Antrean';
  $('city-name').textContent = name;
  document.title = t('title') + ' — ' + name;
}

function showProblems(problems) {
  const box = $('status');
  const down = problems.find((p) => p instanceof CityError && (p.kind === 'down' || p.kind === 'db'));
  let msg = null;
  if (down && down.kind === 'down') msg = D.lastOk ? t('city_down_since', { time: clock(D.lastOk, true) }) : t('city_down');
  else if (problems.length) {
    const seen = new Set();
    msg = problems.map((p) => (p instanceof CityError ? p.text() : String(p)))
      .filter((m) => !seen.has(m) && seen.add(m)).join(' ');
  }
  if (D.notice) msg = D.notice + (msg ? ' ' + msg : '');
  document.body.classList.toggle('stale', Boolean(down));
  box.hidden = !msg;
  box.className = 'status ' + (down || D.notice ? 'error' : 'warn');
  box.dataset.kind = down ? down.kind : D.notice ? 'token' : problems.length ? 'api' : '';
  box.textContent = msg || '';
}

// ----- rendering ------------------------------------------------------------------------
function render() {
  const officer = Boolean(S.token);
  document.body.classList.remove('loading');
  document.body.classList.toggle('officer', officer);
  document.body.classList.toggle('public', !officer);
  document.body.classList.toggle('public-only', PUBLIC_ONLY);
  $('login').hidden = officer || PUBLIC_ONLY;
  $('officer-on').hidden = !officer;
  $('public-note').hidden = officer;
  $('subtitle').textContent = t(PUBLIC_ONLY ? 'public_subtitle' : 'subtitle');
  $('date-label').textContent = D.today ? ' · ' + longDate(D.today, true) : '';
  $('today-at').textContent = D.health ? t('today_at', { time: clock(D.health.time) }) : '';
  $('range-label').textContent = D.from ? '· ' + period(D.from, D.to) : '';
  $('updated').textContent = D.lastOk ? t('updated', { time: clock(D.lastOk, true) }) : '';
  renderToday(D.posts || [], D.stats);
  renderTrendPosts(D.posts || []);
  drawCharts();
  renderServices(D.report);
  renderSatisfaction(D.report);
  renderBeneficiaries();
  const q = '?from=' + D.from + '&to=' + D.to;
  $('open-report').href = (PUBLIC_ONLY || !officer ? '/city/public/report' : '/city/report') + q;
}

function setNum(id, value, text) {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = value === null || value === undefined ? '' : String(value);
}

function ago(sec) {
  if (typeof sec !== 'number') return t('never_heard');
  if (sec < 60) return t('just_now');
  const m = Math.floor(sec / 60);
  if (m < 60) return t('ago_min', { m });
  if (m < 24 * 60) return t('ago_h', { h: Math.floor(m / 60), m: m % 60 });
  return t('ago_d', { d: Math.floor(m / 1440) });
}

/** the city's "silent after" minutes (config), as /health tells */
function silentAfter() {
  return (D.health && D.health.city && D.health.city.silent_after_min) || 30;
}

function placeText(place) {
  if (!place) return '';
  return [place.kelurahan, place.kecamatan].filter(Boolean).join(', ');
}

function renderToday(posts, stats) {
  const sum = (k) => posts.reduce((a, p) => a + ((p.today && p.today[k]) || 0), 0);
  const oldest = posts.reduce((a, p) => Math.max(a, (p.today && p.today.oldest_wait_s) || 0), 0);
  const anyWaiting = posts.some((p) => p.today && typeof p.today.oldest_wait_s === 'number');
  const alerts = posts.flatMap((p) => (p.alerts || []).map((a) => ({ ...a, post: p })));
  const silent = posts.filter((p) => p.silent).length;
  for (const k of ['served', 'issued']) setNum('kpi-' + k, sum(k), fmtInt(sum(k)));
  setNum('kpi-waiting', sum('waiting'), fmtInt(sum('waiting')));
  // a hub whose clock runs ahead of the city's gives a negative wait: shown as 0
  setNum('kpi-oldest', anyWaiting ? oldest : null, anyWaiting ? fmtDec(Math.max(0, oldest) / 60, 0) : '–');
  const w = stats && stats.city && stats.city.wait;
  setNum('kpi-wait-avg', w ? w.avg_s : null, fmtMin(w ? w.avg_s : null));
  setNum('kpi-alerts', alerts.length, fmtInt(alerts.length));
  setNum('kpi-silent', silent, fmtInt(silent));
  $('kpi-posts').textContent = t('of_posts', { n: fmtInt(posts.length) });
  document.querySelector('.kpi.alerts').classList.toggle('hot', alerts.length > 0);
  document.querySelector('.kpi.silent').classList.toggle('hot', silent > 0);
  fill($('alerts'), alerts.map((a) => h('div', { class: 'alert-box', role: 'alert', 'data-post': a.post.post }, t('alert', {
    post: a.post.name, service: a.service_name || a.service, m: fmtDec((a.oldest_wait_s || 0) / 60, 0),
    limit: fmtDec((a.limit_s || 0) / 60, 0),
  }))));
  const body = $('posts-table').tBodies[0];
  if (!posts.length) { fill(body, h('tr', null, h('td', { colspan: 6, class: 'empty', text: t('no_posts') }))); return; }
  fill(body, posts.map((p) => {
    const td = p.today || {};
    const heard = [h('span', { class: 'ago', text: ago(p.silent_s) })];
    if (p.silent) {
      heard.unshift(h('span', { class: 'badge silent-badge', text: t('silent'), title: t('silent_tip', { m: fmtInt(silentAfter()) }) }), ' ');
    }
    if (S.token && p.via) {
      heard.push(h('span', { class: 'sub', text: [t('via') + ' ' + t('via_' + p.via), p.hub_name, t('last_seq') + ' ' + fmtInt(p.last_seq)].filter(Boolean).join(' · ') }));
    }
    const nAlerts = (p.alerts || []).length;
    return h('tr', { class: [p.silent ? 'silent' : '', nAlerts ? 'alert' : ''].join(' ').trim() || null, 'data-post': p.post },
      h('th', { scope: 'row' }, h('span', { class: 'name', text: p.name }), h('span', { class: 'sub', text: placeText(p.place) })),
      h('td', { 'data-label': t('served_short'), 'data-value': td.served, text: fmtInt(td.served) }),
      h('td', { 'data-label': t('waiting'), 'data-value': td.waiting, text: fmtInt(td.waiting) }),
      h('td', { 'data-label': t('oldest') + ' (' + t('min') + ')', 'data-value': td.oldest_wait_s,
        text: typeof td.oldest_wait_s === 'number' ? fmtDec(Math.max(0, td.oldest_wait_s) / 60, 0) : '–' }),
      h('td', { 'data-label': t('alerts_col'), 'data-value': nAlerts }, nAlerts ? h('span', { class: 'badge alert-badge', text: fmtInt(nAlerts) }) : '–'),
      h('td', { class: 'heard', 'data-silent': p.silent ? '1' : '0' }, heard));
  }));
}

function renderTrendPosts(posts) {
  const sel = $('trend-post');
  const want = [['', t('all_posts')], ...posts.map((p) => [p.post, p.name])];
  const have = Array.from(sel.options).map((o) => [o.value, o.textContent]);
  if (JSON.stringify(want) === JSON.stringify(have)) return;
  fill(sel, want.map(([v, n]) => h('option', { value: v, text: n })));
  sel.value = D.trendPost;
}

function drawCharts() {
  const days = (D.trend && D.trend.days) || [];
  const dates = D.from ? daysOf(D.from, D.to) : [];
  const f = fmt();
  const served = new Map(days.map((d) => [d.date, {
    v: d.served, tip: t('served_tip', { date: longDate(d.date), n: fmtInt(d.served), posts: fmtInt(d.posts_active) }),
  }]));
  barChart($('chart-served'), dates, served, { label: t('chart_served'), cls: 'all' }, f);
  const minutes = (get) => new Map(days.map((d) => {
    const v = get(d);
    return [d.date, typeof v === 'number' ? v / 60 : null];
  }));
  lineChart($('chart-wait'), dates, [
    { key: 'avg', cls: 'avg', label: t('avg'), values: minutes((d) => d.wait && d.wait.avg_s) },
    { key: 'p90', cls: 'p90', label: t('p90'), values: minutes((d) => d.wait && d.wait.p90_s) },
  ], { label: t('chart_wait'), unit: t('min') }, f);
  lineChart($('chart-prio'), dates, [
    { key: 'priority', cls: 'priority', label: t('priority'), values: minutes((d) => d.wait_priority && d.wait_priority.avg_s) },
    { key: 'regular', cls: 'regular', label: t('regular'), values: minutes((d) => d.wait_regular && d.wait_regular.avg_s) },
  ], { label: t('chart_prio'), unit: t('min') }, f);
  drawPlaces();
}

function renderServices(rep) {
  const body = $('svc-table').tBodies[0];
  const list = (rep && rep.services) || [];
  if (!list.length) { fill(body, h('tr', null, h('td', { colspan: 6, class: 'empty', text: t('no_data') }))); return; }
  const cols = ['issued_short', 'served_short', 'no_show', 'avg_wait', 'svc_time'];
  const cells = (vals) => vals.map((v, i) => h('td', { 'data-label': t(cols[i]), text: v }));
  const rows = list.map((sv) => h('tr', { 'data-service': sv.id },
    h('th', { scope: 'row' }, h('span', { class: 'svc-letter', text: sv.letter }), serviceName(sv)),
    cells([fmtInt(sv.issued), fmtInt(sv.served), fmtInt(sv.no_show), fmtMin(sv.wait.avg_s),
      fmtMin(sv.service_avg_s)])));
  const c = rep.city;
  rows.push(h('tr', { class: 'total' }, h('th', { scope: 'row', text: t('total') }),
    cells([fmtInt(c.issued), fmtInt(c.served), fmtInt(c.no_show), fmtMin(c.wait.avg_s),
      fmtMin(c.service_avg_s)])));
  fill(body, rows);
}

function drawPlaces() {
  const posts = D.posts || [];
  const served = new Map(((D.report && D.report.posts) || []).map((p) => [p.post, p.served]));
  const entry = (p) => ({ post: p.post, name: p.name, served: served.get(p.post) || 0, silent: p.silent,
    alert: (p.alerts || []).length > 0, ...(p.place || {}) });
  const withXY = posts.filter((p) => p.place && typeof p.place.lat === 'number').map(entry);
  const without = posts.filter((p) => !(p.place && typeof p.place.lat === 'number')).map(entry)
    .sort((a, b) => (a.kecamatan || '~').localeCompare(b.kecamatan || '~') || (a.kelurahan || '').localeCompare(b.kelurahan || '') || a.name.localeCompare(b.name));
  placeMap($('place-map'), withXY, fmt());
  $('no-coords').hidden = !without.length;
  fill($('place-table').tBodies[0], without.map((p) => h('tr', { 'data-post': p.post },
    h('td', { 'data-label': t('kecamatan'), text: p.kecamatan || '–' }),
    h('td', { 'data-label': t('kelurahan'), text: p.kelurahan || '–' }),
    h('th', { scope: 'row', text: p.name }),
    h('td', { 'data-label': t('served_short'), 'data-value': p.served, text: fmtInt(p.served) }))));
}

function distribution(sat) {
  const counts = sat.counts || {};
  const n = sat.count || 0;
  const bar = h('div', { class: 'dist', title: [4, 3, 2, 1].map((k) => t('sat_' + k) + ' ' + fmtInt(counts[k] || 0)).join(' · ') });
  if (n) for (const k of [4, 3, 2, 1]) bar.append(h('span', { class: 's' + k, 'data-n': counts[k] || 0 }));
  for (const el of bar.children) el.style.width = (100 * Number(el.dataset.n)) / n + '%';
  return bar;
}

function categories(c) {
  const by = (c && c.by_category) || {};
  return Object.keys(by).sort((a, b) => by[b] - by[a]).map((k) => t('cat_' + k) + ' ' + fmtInt(by[k])).join(' · ') || '–';
}

// The SKM survey's IKM (PermenPANRB 14/2017), of every respondent of the range: respondents
// (* below the regulation's minimum sample for the residents served), IKM, mutu A-D.
function skmCells(p) {
  const s = p.skm;
  const sample = p.skm_sample || { respondents: 0, minimum: 0 };
  const below = sample.respondents > 0 && sample.respondents < sample.minimum; // no IKM: nothing to qualify
  return [
    h('td', { 'data-label': t('skm_n'), 'data-value': sample.respondents, class: below ? 'below-min' : null,
      title: t('skm_min_tip', { n: fmtInt(sample.minimum) }), text: fmtInt(sample.respondents) + (below ? '*' : '') }),
    h('td', { 'data-label': t('ikm'), 'data-value': s ? s.ikm : '', class: 'ikm', text: s ? fmtDec(s.ikm, 2) : '–' }),
    h('td', { 'data-label': t('mutu'), class: 'mutu-cell' }, s
      ? [h('span', { class: 'mutu m' + s.mutu, text: s.mutu }), ' ', h('span', { class: 'kinerja', text: S.lang === 'en' ? s.kinerja_en : s.kinerja })]
      : '–'),
  ];
}

function satRow(name, p, cls) {
  const sat = p.satisfaction || { count: 0 };
  const c = sat.counts || {};
  const good = (c['4'] || 0) + (c['3'] || 0);
  return h('tr', { class: cls || null, 'data-post': p.post || null },
    h('th', { scope: 'row', text: name }),
    h('td', { 'data-label': t('ratings'), 'data-value': sat.count, text: fmtInt(sat.count) }),
    h('td', { 'data-label': t('sat_avg'), 'data-value': sat.avg, text: fmtDec(sat.avg, 2) }),
    h('td', { class: 'col-dist' }, distribution(sat)),
    h('td', { 'data-label': t('satisfied'), text: fmtPct(good, sat.count) }),
    ...skmCells(p),
    h('td', { 'data-label': t('complaints'), 'data-value': p.complaints.count, text: fmtInt(p.complaints.count) }),
    h('td', { class: 'officer-only cats', text: categories(p.complaints) }));
}

function renderSatisfaction(rep) {
  const body = $('sat-table').tBodies[0];
  const posts = (rep && rep.posts) || [];
  fill($('sat-legend'), [4, 3, 2, 1].map((k) => h('span', null, h('span', { class: 'swatch s' + k }), face(k), t('sat_' + k))));
  if (!posts.length) { fill(body, h('tr', null, h('td', { colspan: 10, class: 'empty', text: t('no_data') }))); return; }
  fill(body, [...posts.map((p) => satRow(p.name, p)), satRow(t('total'), rep.city, 'total')]);
}

// ----- actions --------------------------------------------------------------------------
async function login(ev) {
  ev.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  if (!token) return;
  const btn = $('login-form').querySelector('button');
  btn.disabled = true;
  try {
    await call('/posts', { token });
    input.value = '';
    D.notice = null;
    setToken(token);
    $('login').open = false;
  } catch (e) {
    D.notice = e instanceof CityError ? e.text() : String(e);
  } finally {
    btn.disabled = false;
  }
  refreshNow();
}

function setRange(from, to, follow) {
  if (!isDay(from) || !isDay(to)) return;
  if (from > to) { D.notice = t('range_bad'); showProblems([]); return; }
  D.notice = null;
  D.from = from;
  D.to = to;
  D.followToday = follow || to === D.today;
  D.span = Math.round((Date.parse(to) - Date.parse(from)) / 86400000) + 1;
  refreshNow();
}

async function downloadXlsx() {
  const msg = $('dl-msg');
  msg.className = 'hint';
  msg.textContent = t('downloading');
  try {
    const name = await download('/report?from=' + D.from + '&to=' + D.to + '&format=xlsx',
      'laporan-keluaran-' + D.from + '-' + D.to + '.xlsx');
    msg.className = 'hint ok';
    msg.textContent = t('downloaded', { name });
  } catch (e) {
    msg.className = 'hint err';
    msg.textContent = e instanceof CityError ? e.text() : String(e);
  }
}

function applyLang() {
  applyWords();
  $('lang').textContent = t('other_lang');
  $('lang').lang = S.lang === 'en' ? 'id' : 'en';
}

function start() {
  const given = readStart();
  if (given.from && given.to && given.from <= given.to) {
    D.from = given.from;
    D.to = given.to;
    D.followToday = false;
  }
  applyLang();
  $('from').addEventListener('change', () => setRange($('from').value, D.to));
  $('to').addEventListener('change', () => setRange(D.from, $('to').value));
  $('range').addEventListener('submit', (ev) => ev.preventDefault());
  $('last7').addEventListener('click', () => setRange(addDays(D.today, -6), D.today, true));
  $('last30').addEventListener('click', () => setRange(addDays(D.today, -29), D.today, true));
  $('trend-post').addEventListener('change', () => { D.trendPost = $('trend-post').value; refreshNow(); });
  $('lang').addEventListener('click', () => { setLang(S.lang === 'en' ? 'id' : 'en'); applyLang(); render(); });
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', () => { setToken(null); D.notice = null; refreshNow(); });
  $('dl-xlsx').addEventListener('click', downloadXlsx);
  let resizeTimer = null;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(drawCharts, 150); });
  tick();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
