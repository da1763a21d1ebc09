/* Antrean — the post lead's dashboard (an ES module; words.js, dom.js, charts.js beside it).
 *
 * Plain JS, no build step, nothing from the internet: the hub serves these files. The page
 * polls protocol v1 every few seconds (the event WebSocket needs a device token). The
 * public view uses only public endpoints and shows no per-ticket history; the lead view
 * adds the lead-only ones with the token kept in localStorage. Every label comes from the
 * one dictionary in words.js; every value from the hub goes into the DOM as text (dom.js).
 */

import { T } from './words.js';
import { $, fill, h } from './dom.js';
import { drawHourChart, face } from './charts.js';
import { renderSkm } from './skm.js';
import { loadBansos, renderBansos } from './bansos.js';

const API = '/api/v1';
const REFRESH_MS = 5000;
const TOKEN_KEY = 'antrean.dashboard.token';
const LANG_KEY = 'antrean.dashboard.lang';

// ----- state ----------------------------------------------------------------------------
const S = {
  lang: 'id',
  token: null,
  date: null, // the chosen day, YYYY-MM-DD
  today: null, // the post's today, from the hub's clock
  followToday: true,
  names: {}, // service id -> {id: name, en: name_en}
  categories: {}, // complaint category id -> {id: name, en: name_en}
  skmNames: null, // SKM element id -> {id: name, en: name_en} (GET /survey/questions)
  stats: null,
  statsKey: null, // "date|view" the stats above belong to
  queue: null,
  lead: { complaints: null, corrections: null },
  lastOk: null,
  timer: null,
  busy: false,
  again: false,
  notice: null, // a message that outlives one refresh (wrong token), until noticeUntil
  noticeUntil: 0,
  loaded: null, // "date|view" of the day data shown; a past day is fetched once
};

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
  } catch (e) { /* private mode: keep it in memory only */ }
}
function recall(key) {
  try { return localStorage.getItem(key); } catch (e) { return null; }
}

function t(key, vars) {
  let s = (T[S.lang] && T[S.lang][key]) || T.id[key] || key;
  if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(String(vars[k]));
  return s;
}

// ----- formatting -----------------------------------------------------------------------
const locale = () => (S.lang === 'en' ? 'en-GB' : 'id-ID');
function fmtInt(n) {
  return typeof n === 'number' ? new Intl.NumberFormat(locale()).format(n) : '–';
}
function fmtDec(x, digits) {
  if (typeof x !== 'number' || !isFinite(x)) return '–';
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(x);
}
/** seconds → minutes with one decimal ("4,2"); "–" when there is no value */
const fmtMin = (sec) => (typeof sec === 'number' ? fmtDec(sec / 60, 1) : '–');
/** the wall-clock part of a hub time ("2026-11-23T09:05:00+07:00" → "09.05"): already post-local */
function clock(iso, seconds) {
  if (typeof iso !== 'string' || iso.length < 16) return '';
  const hm = iso.slice(11, seconds ? 19 : 16);
  return S.lang === 'en' ? hm : hm.split(':').join('.');
}
function longDate(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  if (!m) return '';
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return new Intl.DateTimeFormat(locale(), {
    weekday: 'long', day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  }).format(d);
}
function serviceName(id, fallback) {
  const n = S.names[id];
  if (!n) return fallback || id;
  return (S.lang === 'en' && n.en) || n.id || fallback || id;
}
const outcomeLabel = (o) => t('outcome_' + o);

// ----- talking to the hub ---------------------------------------------------------------
class HubError extends Error {
  constructor(kind, status, body, path) {
    super(kind);
    this.kind = kind; // 'down' | 'auth' | 'forbidden' | 'missing' | 'api'
    this.status = status;
    this.body = body || {};
    this.path = path;
  }
  text() {
    if (this.kind === 'down') return t('hub_down');
    if (this.kind === 'auth') return t('token_wrong');
    if (this.kind === 'forbidden') return t('token_not_lead');
    if (this.kind === 'missing') return t('missing', { path: API + this.path.split('?')[0] });
    return (S.lang === 'en' && this.body.message_en) || this.body.message || ('HTTP ' + this.status);
  }
}

async function call(path, opts) {
  const o = opts || {};
  const headers = { Accept: 'application/json' };
  if (o.auth) headers.Authorization = 'Bearer ' + (o.token || S.token);
  if (o.json !== undefined) headers['Content-Type'] = 'application/json';
  let res;
  try {
    res = await fetch(API + path, {
      method: o.method || 'GET', headers, cache: 'no-store', credentials: 'omit',
      body: o.json !== undefined ? JSON.stringify(o.json) : undefined,
    });
  } catch (e) {
    throw new HubError('down', 0, null, path);
  }
  if (res.ok) return o.raw ? res : res.json();
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: a proxy or a dead hub */ }
  if (res.status === 401) throw new HubError('auth', 401, body, path);
  if (res.status === 403 && o.auth) throw new HubError('forbidden', 403, body, path);
  if (res.status === 404 && (!body || body.error === 'not_found')) throw new HubError('missing', 404, body, path);
  if (res.status >= 500 && !body) throw new HubError('down', res.status, body, path);
  throw new HubError('api', res.status, body, path);
}

// ----- the refresh loop -----------------------------------------------------------------
function refreshNow() {
  clearTimeout(S.timer);
  if (S.busy) { S.again = true; return; }
  tick();
}

async function tick() {
  S.busy = true;
  const problems = [];
  try {
    const health = await call('/health');
    onHealth(health);
    const q = encodeURIComponent(S.date);
    // today changes all the time; a past day does not (corrections are for today only)
    const key = S.date + '|' + (S.token ? 'lead' : 'public');
    const day = S.date === S.today || S.loaded !== key;
    const jobs = [
      !day ? Promise.resolve(S.stats)
        : S.token ? call('/stats?date=' + q, { auth: true }) : call('/public/stats?date=' + q),
      call('/queue'),
    ];
    if (S.token) {
      jobs.push(day ? call('/complaints?date=' + q, { auth: true }) : Promise.resolve(S.lead.complaints));
      jobs.push(day ? call('/corrections?date=' + q, { auth: true }) : Promise.resolve(S.lead.corrections));
    }
    if (!Object.keys(S.names).length) jobs.push(call('/services').then(onServices));
    if (S.token && !Object.keys(S.categories).length) {
      jobs.push(call('/complaints/categories').then(onCategories).catch(() => null));
    }
    const results = await Promise.allSettled(jobs);
    const [st, qu, cmp, cor] = results;
    if (st.status === 'fulfilled') {
      S.stats = st.value;
      S.statsKey = key;
    } else {
      problems.push(st.reason);
      if (S.statsKey !== key) S.stats = null; // never another day's numbers under this date
    }
    const leadOk = !S.token || (results[2].status === 'fulfilled' && results[3].status === 'fulfilled');
    S.loaded = st.status === 'fulfilled' && leadOk ? key : null;
    if (qu.status === 'fulfilled') S.queue = qu.value; else problems.push(qu.reason);
    if (S.token) {
      S.lead.complaints = cmp.status === 'fulfilled' ? cmp.value : null;
      S.lead.corrections = cor.status === 'fulfilled' ? cor.value : null;
      if (cmp.status === 'rejected') problems.push(cmp.reason);
      if (cor.status === 'rejected') problems.push(cor.reason);
    }
    if (st.status === 'fulfilled' || qu.status === 'fulfilled') S.lastOk = health.time || null;
    try { S.bansos = await loadBansos(call, Boolean(S.token)); } catch (e) { problems.push(e); }
  } catch (e) {
    problems.push(e);
  }
  const authFail = problems.find((p) => p instanceof HubError && (p.kind === 'auth' || p.kind === 'forbidden'));
  if (authFail && S.token) {
    // a revoked or mistyped token: back to the public view, and say why
    setToken(null);
    say(authFail.text());
    S.busy = false;
    refreshNow();
    return;
  }
  render();
  showProblems(problems);
  S.busy = false;
  if (S.again) { S.again = false; refreshNow(); return; }
  S.timer = setTimeout(tick, REFRESH_MS);
}

/** a message kept on screen for a while (the page refreshes under it) */
function say(text) {
  S.notice = text;
  S.noticeUntil = Date.now() + 60000;
}

function onHealth(health) {
  const today = typeof health.time === 'string' ? health.time.slice(0, 10) : localToday();
  if (today !== S.today) {
    S.today = today;
    $('date').max = today;
  }
  if (S.followToday || !S.date) S.date = today;
  if ($('date').value !== S.date) $('date').value = S.date;
  if (health.post && health.post.name) {
    $('post-name').textContent = health.post.name;
    document.title = t('title') + ' — ' + health.post.name;
  }
  showCityLink(health.city);
}
/** the hub's uplink to the city server (health.city: null when the post has none) */
function showCityLink(link) {
  const line = $('city-link');
  line.hidden = !link;
  if (!link) return;
  const down = link.state === 'retrying';
  const err = (link.last_error && (S.lang === 'en' ? link.last_error.message_en : link.last_error.message)) || '';
  line.textContent = t(down ? 'city_down' : 'city_ok', { backlog: fmtInt(link.backlog || 0), error: err });
  line.classList.toggle('warn', down);
}
function onServices(list) {
  for (const sv of list || []) S.names[sv.id] = { id: sv.name, en: sv.name_en || '' };
}
function onCategories(list) {
  for (const c of list || []) S.categories[c.id] = { id: c.name, en: c.name_en || '' };
}
function categoryName(id) {
  const c = S.categories[id];
  if (!c) return String(id || '').replace(/_/g, ' ');
  return (S.lang === 'en' && c.en) || c.id;
}
function localToday() {
  const d = new Date();
  const p = (n) => String(n).padStart(2, '0');
  return d.getFullYear() + '-' + p(d.getMonth() + 1) + '-' + p(d.getDate());
}

function showProblems(problems) {
  const box = $('status');
  const down = problems.find((p) => p.kind === 'down');
  let msg = null;
  let cls = 'warn';
  if (down) {
    msg = S.lastOk ? t('hub_down_since', { time: clock(S.lastOk, true) }) : t('hub_down');
    cls = 'error';
  } else if (problems.length) {
    const seen = new Set();
    msg = problems.map((p) => (p instanceof HubError ? p.text() : String(p)))
      .filter((m) => !seen.has(m) && seen.add(m)).join(' ');
  }
  if (S.notice && Date.now() > S.noticeUntil) S.notice = null;
  if (S.notice) { msg = S.notice + (msg ? ' ' + msg : ''); cls = 'error'; }
  document.body.classList.toggle('stale', Boolean(down));
  if (!msg) { box.hidden = true; box.textContent = ''; return; }
  box.className = 'status ' + cls;
  box.dataset.kind = down ? 'down' : (S.notice ? 'token' : 'api');
  box.textContent = msg;
  box.hidden = false;
}

// ----- rendering ------------------------------------------------------------------------
function render() {
  document.body.classList.remove('loading');
  document.body.classList.toggle('lead', Boolean(S.token));
  document.body.classList.toggle('public', !S.token);
  $('lead-view').hidden = !S.token;
  $('lead-on').hidden = !S.token;
  $('login').hidden = Boolean(S.token);
  $('date-label').textContent = S.date ? ' · ' + longDate(S.date) : '';
  $('updated').textContent = S.lastOk ? t('updated', { time: clock(S.lastOk, true) }) : '';
  renderKpis(S.stats);
  renderWaitTable(S.stats);
  drawChart();
  renderSatisfaction(S.stats);
  renderSkm($('skm'), S.stats, S.skmNames || {}, { t, fmtDec, fmtInt, en: S.lang === 'en' });
  $('skm-lead').hidden = !S.token;
  renderServices(S.stats);
  renderBansos($('bansos-card'), $('bansos'), S.bansos, Boolean(S.token), { t, fmtInt, longDate });
  renderLive(S.queue);
  if (S.token) {
    renderCounters(S.stats, S.queue);
    renderComplaints(S.lead.complaints);
    renderCorrections(S.lead.corrections);
    const today = S.date === S.today;
    $('correct').hidden = !today;
    $('cor-today-only').hidden = today;
  }
}

function setNum(id, value, text) {
  const el = $(id);
  el.textContent = text;
  el.dataset.value = value === null || value === undefined ? '' : String(value);
}

function renderKpis(st) {
  const g = (k) => (st ? st[k] : null);
  for (const k of ['served', 'issued', 'no_show', 'open']) setNum('kpi-' + k, g(k), fmtInt(g(k)));
  const nc = st && st.complaints ? st.complaints.count : null;
  setNum('kpi-complaints', nc, fmtInt(nc));
  const w = (st && st.wait) || {};
  setNum('kpi-wait-avg', w.avg_s, fmtMin(w.avg_s));
  setNum('kpi-wait-median', w.median_s, fmtMin(w.median_s));
  setNum('kpi-wait-p90', w.p90_s, fmtMin(w.p90_s));
}

function renderWaitTable(st) {
  const rows = [['all', 'wait'], ['priority', 'wait_priority'], ['regular', 'wait_regular']];
  const body = $('wait-table').tBodies[0];
  fill(body, rows.map(([cls, key]) => {
    const w = (st && st[key]) || {};
    return h('tr', { 'data-key': key },
      h('th', { scope: 'row' }, h('span', { class: 'dot ' + cls }), t(cls)),
      h('td', { text: fmtInt(w.count) }), h('td', { text: fmtMin(w.avg_s) }),
      h('td', { text: fmtMin(w.median_s) }), h('td', { text: fmtMin(w.p90_s) }),
      h('td', { class: 'col-max', text: fmtMin(w.max_s) }));
  }));
}

function drawChart() {
  drawHourChart($('chart'), S.stats, { t, fmtDec, fmtInt, en: S.lang === 'en' });
}

function renderSatisfaction(st) {
  const sat = (st && st.satisfaction) || { count: 0, avg: null };
  const counts = sat.counts || {};
  const total = sat.count || 0;
  const faces = h('div', { class: 'faces' }, [4, 3, 2, 1].map((k) => {
    const n = counts[k] || counts[String(k)] || 0;
    return h('div', { class: 'face', 'data-score': k },
      face(k), h('div', { class: 'n', text: fmtInt(n), 'data-value': n }),
      h('div', { class: 'lbl', text: t('sat_' + k) }),
      h('div', { class: 'pct', text: total ? fmtDec((100 * n) / total, 0) + '%' : '' }));
  }));
  const avg = typeof sat.avg === 'number'
    ? h('div', { class: 'sat-avg' }, h('span', { text: t('sat_avg') }),
      h('strong', { id: 'sat-avg', text: fmtDec(sat.avg, 2), 'data-value': sat.avg }),
      h('span', { text: t('sat_of') + ' · ' + t('sat_n', { n: fmtInt(total) }) }))
    : h('p', { class: 'empty', text: t('sat_none') });
  fill($('satisfaction'), faces, avg);
}

function renderServices(st) {
  const body = $('svc-table').tBodies[0];
  const list = (st && st.services) || [];
  if (!list.length) {
    fill(body, h('tr', null, h('td', { colspan: 8, class: 'empty', text: t('no_data') })));
    return;
  }
  const cols = ['issued_short', 'served_short', 'no_show', 'cancelled', 'avg_wait', 'p90_wait', 'svc_time'];
  const cells = (vals) => vals.map((v, i) => h('td', { 'data-label': v ? t(cols[i]) : null, text: v }));
  const rows = list.map((sv) => h('tr', { 'data-service': sv.id },
    h('th', { scope: 'row' }, h('span', { class: 'svc-letter', text: sv.letter }), serviceName(sv.id, sv.name)),
    cells([fmtInt(sv.issued), fmtInt(sv.served), fmtInt(sv.no_show), fmtInt(sv.cancelled),
      fmtMin(sv.wait && sv.wait.avg_s), fmtMin(sv.wait && sv.wait.p90_s), fmtMin(sv.service_avg_s)])));
  rows.push(h('tr', { class: 'total' }, h('th', { scope: 'row', text: t('total') }),
    cells([fmtInt(st.issued), fmtInt(st.served), fmtInt(st.no_show), fmtInt(st.cancelled),
      fmtMin(st.wait && st.wait.avg_s), fmtMin(st.wait && st.wait.p90_s), ''])));
  fill(body, rows);
}

function renderLive(q) {
  $('live-at').textContent = q && q.at ? t('live_at', { time: clock(q.at) }) : '';
  // The hub holds its time while its wall clock is behind its log: say it loudly.
  const ck = q && q.clock;
  const behind = !!(ck && ck.status === 'behind');
  $('hub-warn').hidden = !behind;
  $('hub-warn').textContent = behind
    ? t('clock_behind', { s: fmtInt(ck.behind_s), time: ck.held_at ? clock(ck.held_at) : '?' }) : '';
  const alerts = (q && q.alerts) || [];
  const alerted = new Set(alerts.map((a) => a.service));
  const svcs = (q && q.services) || [];
  const letterOf = (id) => (svcs.find((x) => x.id === id) || {}).letter || '';
  fill($('alerts'), alerts.map((a) => h('div', { class: 'alert-box', role: 'alert' }, t('alert', {
    service: serviceName(a.service, letterOf(a.service)), m: fmtDec((a.oldest_wait_s || 0) / 60, 0),
    limit: fmtDec((a.limit_s || 0) / 60, 0),
  }))));
  fill($('live-services'), svcs.length ? svcs.map((sv) => {
    const sub = [];
    if (!sv.open) sub.push(t('closed'));
    if (sv.priority_waiting) sub.push(t('prio_waiting', { n: fmtInt(sv.priority_waiting) }));
    if (typeof sv.oldest_wait_s === 'number') sub.push(t('oldest', { m: fmtDec(sv.oldest_wait_s / 60, 0) }));
    if (sv.open) {
      const n = sv.open_counters || 0;
      sub.push(n ? t(n === 1 && T[S.lang].open_counters_1 ? 'open_counters_1' : 'open_counters', { n }) : t('no_counter'));
    }
    const cls = [sv.open ? '' : 'closed', alerted.has(sv.id) ? 'alert' : ''].join(' ').trim();
    return h('li', { class: cls || null, 'data-service': sv.id },
      h('span', { class: 'svc-letter', text: sv.letter }),
      h('span', { class: 'name', text: serviceName(sv.id, sv.name) }),
      h('span', { class: 'waiting', text: fmtInt(sv.waiting), 'data-value': sv.waiting, title: t('waiting_label') }),
      sub.length ? h('span', { class: 'sub', text: sub.join(' · ') }) : null);
  }) : h('li', { class: 'empty', text: t('no_data') }));
  const ctrs = (q && q.counters) || [];
  fill($('live-counters'), ctrs.length ? ctrs.map((c) => h('li', { class: c.state, 'data-counter': c.number },
    h('span', { class: 'cn', text: t('counter_n', { n: c.number }) + ' ' }),
    c.ticket ? h('span', { class: 'ticket-no', text: c.ticket.number }) : null,
    h('span', { class: 'st', text: t('st_' + c.state) }))) : h('li', { class: 'empty', text: t('no_counters') }));
}

function renderCounters(st, q) {
  const now = new Map(((q && q.counters) || []).map((c) => [c.number, c]));
  const rows = new Map(((st && st.counters) || []).map((c) => [c.number, c]));
  const numbers = Array.from(new Set([...rows.keys(), ...(S.date === S.today ? now.keys() : [])])).sort((a, b) => a - b);
  const body = $('ctr-table').tBodies[0];
  if (!numbers.length) {
    fill(body, h('tr', null, h('td', { colspan: 4, class: 'empty', text: t('no_data') })));
    return;
  }
  fill(body, numbers.map((n) => {
    const r = rows.get(n) || { served: 0, no_show: 0 };
    const c = now.get(n);
    const state = c ? t('st_' + c.state) + (c.ticket ? ' · ' + c.ticket.number : '') : '–';
    return h('tr', { 'data-counter': n }, h('th', { scope: 'row', text: t('counter_n', { n }) }),
      h('td', { text: fmtInt(r.served) }), h('td', { text: fmtInt(r.no_show) }), h('td', { text: state }));
  }));
}

function renderComplaints(list) {
  const ul = $('complaints');
  $('cmp-count').textContent = Array.isArray(list) ? '(' + fmtInt(list.length) + ')' : '';
  if (!Array.isArray(list)) { fill(ul); return; }
  if (!list.length) { fill(ul, h('li', { class: 'empty', text: t('no_complaints') })); return; }
  fill(ul, list.slice().reverse().map((c) => h('li', { 'data-id': c.id },
    h('div', { class: 'meta' }, clock(c.at), c.number ? ' · ' + t('ticket_ref', { n: c.number }) : ''),
    h('div', { class: 'cat', text: categoryName(c.category) }),
    c.text ? h('div', { class: 'text', text: c.text }) : null)));
}

function renderCorrections(list) {
  const ul = $('corrections');
  $('cor-count').textContent = Array.isArray(list) ? '(' + fmtInt(list.length) + ')' : '';
  if (!Array.isArray(list)) { fill(ul); return; }
  if (!list.length) { fill(ul, h('li', { class: 'empty', text: t('no_corrections') })); return; }
  fill(ul, list.slice().reverse().map((c) => h('li', { 'data-seq': c.seq },
    h('div', { class: 'meta' }, clock(c.at), c.by ? ' · ' + t('by', { who: c.by }) : ''),
    h('div', null, h('span', { class: 'ticket-no', text: c.number }),
      h('span', { class: 'was', text: outcomeLabel(c.from) }), ' → ', h('strong', { text: outcomeLabel(c.to) })),
    c.reason ? h('div', { class: 'text', text: c.reason }) : null)));
}

// ----- lead actions ---------------------------------------------------------------------
function setToken(token) {
  S.token = token;
  store(TOKEN_KEY, token);
  S.lead = { complaints: null, corrections: null };
  if (!token) S.stats = null;
}

async function login(ev) {
  ev.preventDefault();
  const input = $('token');
  const token = input.value.trim();
  if (!token) return;
  const btn = ev.submitter || $('login-form').querySelector('button');
  btn.disabled = true;
  try {
    await call('/stats?date=' + encodeURIComponent(S.date || ''), { auth: true, token });
    input.value = '';
    S.notice = null;
    setToken(token);
    $('login').open = false;
  } catch (e) {
    say(e instanceof HubError ? e.text() : String(e));
  } finally {
    btn.disabled = false;
  }
  refreshNow();
}

function logout() {
  setToken(null);
  S.notice = null;
  refreshNow();
}

async function download(ev) {
  const fmt = ev.currentTarget.dataset.format;
  const msg = $('dl-msg');
  msg.className = 'hint';
  msg.textContent = t('downloading');
  try {
    const res = await call('/log?date=' + encodeURIComponent(S.date) + '&format=' + fmt, { auth: true, raw: true });
    const blob = await res.blob();
    const cd = res.headers.get('Content-Disposition') || '';
    const m = /filename="?([^";]+)"?/.exec(cd);
    const name = m ? m[1] : 'antrean-' + S.date + '.' + fmt;
    const url = URL.createObjectURL(blob);
    const a = h('a', { href: url, download: name, hidden: 'hidden' });
    document.body.append(a);
    a.click();
    a.remove();
    setTimeout(() => URL.revokeObjectURL(url), 30000);
    msg.className = 'hint ok';
    msg.textContent = t('downloaded', { name });
  } catch (e) {
    msg.className = 'hint err';
    msg.textContent = e instanceof HubError ? e.text() : String(e);
    if (e instanceof HubError && e.kind === 'auth') refreshNow();
  }
}

/** "a12" → "A012": what residents read off their ticket, in the hub's spelling */
function ticketNumber(raw) {
  const m = /^\s*([A-Za-z])\s*-?\s*0*(\d{1,5})\s*$/.exec(raw || '');
  return m ? m[1].toUpperCase() + m[2].padStart(3, '0') : null;
}

async function correct(ev) {
  ev.preventDefault();
  const msg = $('cor-msg');
  const say = (cls, text) => { msg.className = 'hint wide ' + cls; msg.textContent = text; };
  const number = ticketNumber($('cor-number').value);
  const outcome = $('cor-outcome').value;
  const reason = $('cor-reason').value.trim();
  if (!number) return say('err', t('cor_bad_number'));
  const btn = $('correct-form').querySelector('button');
  btn.disabled = true;
  say('', t('saving'));
  try {
    // the hub keeps today's tickets by number; it refuses what cannot be corrected
    const q = '?date=' + encodeURIComponent(S.date);
    const ticket = await call('/tickets/by-number/' + encodeURIComponent(number) + q, { auth: true });
    await call('/tickets/' + encodeURIComponent(ticket.id) + '/correct',
      { auth: true, method: 'POST', json: { outcome, reason } });
    say('ok', t('cor_saved', { n: number, from: outcomeLabel(ticket.state), to: outcomeLabel(outcome) }));
    $('correct-form').reset();
    refreshNow();
  } catch (e) {
    if (e instanceof HubError && e.status === 404) say('err', t('cor_not_found', { n: number }));
    else say('err', e instanceof HubError ? e.text() : String(e));
    if (e instanceof HubError && e.kind === 'auth') refreshNow();
  } finally {
    btn.disabled = false;
  }
}

// ----- the survey: element names once, a pairing code for a volunteer's phone -----------
async function loadSkmNames() {
  try {
    const q = await call('/survey/questions');
    S.skmNames = {};
    for (const e of q.elements) S.skmNames[e.id] = { id: e.name, en: e.name_en };
    render();
  } catch (e) {
    setTimeout(loadSkmNames, REFRESH_MS); // (the ids show meanwhile)
  }
}

async function pairSurveyPhone() {
  const msg = $('skm-pair-msg');
  $('skm-pair').disabled = true;
  try {
    const r = await call('/pair/codes', { method: 'POST', auth: true, json: { roles: ['survey'] } });
    msg.textContent = t('skm_pair_code', { code: r.code, url: location.origin + '/survey' });
    msg.dataset.code = r.code;
  } catch (e) {
    msg.textContent = e instanceof HubError ? e.text() : String(e);
  } finally {
    $('skm-pair').disabled = false;
  }
}

// ----- language -------------------------------------------------------------------------
function applyLang() {
  document.documentElement.lang = S.lang;
  for (const el of document.querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
  const other = S.lang === 'en' ? 'id' : 'en';
  $('lang').textContent = t('other_lang');
  $('lang').lang = other;
  const name = $('post-name').textContent;
  document.title = t('title') + (name ? ' — ' + name : '');
}

// ----- start ----------------------------------------------------------------------------
function readFragment() {
  // "#token=…&lang=en&date=2026-11-23": a way to open the lead view from a link or a
  // headless browser; the token goes to localStorage and leaves the address bar at once.
  if (location.hash.length < 2) return;
  const p = new URLSearchParams(location.hash.slice(1));
  if (p.get('token')) store(TOKEN_KEY, p.get('token').trim());
  if (p.get('lang') === 'en' || p.get('lang') === 'id') store(LANG_KEY, p.get('lang'));
  if (/^\d{4}-\d{2}-\d{2}$/.test(p.get('date') || '')) { S.date = p.get('date'); S.followToday = false; }
  history.replaceState(null, '', location.pathname + location.search);
}

function start() {
  readFragment();
  S.token = recall(TOKEN_KEY) || null;
  S.lang = recall(LANG_KEY) === 'en' ? 'en' : 'id';
  applyLang();
  $('date').addEventListener('change', () => {
    const v = $('date').value;
    if (!/^\d{4}-\d{2}-\d{2}$/.test(v)) return;
    S.date = v;
    S.followToday = v === S.today;
    refreshNow();
  });
  $('today').addEventListener('click', () => { S.followToday = true; S.date = S.today; refreshNow(); });
  $('lang').addEventListener('click', () => {
    S.lang = S.lang === 'en' ? 'id' : 'en';
    store(LANG_KEY, S.lang);
    applyLang();
    render();
  });
  $('print').addEventListener('click', () => window.print());
  $('login-form').addEventListener('submit', login);
  $('logout').addEventListener('click', logout);
  $('dl-csv').addEventListener('click', download);
  $('dl-xlsx').addEventListener('click', download);
  $('correct-form').addEventListener('submit', correct);
  $('skm-pair').addEventListener('click', pairSurveyPhone);
  loadSkmNames();
  let resizeTimer = null;
  window.addEventListener('resize', () => {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(() => drawChart(), 150);
  });
  tick();
}

if (document.readyState === 'loading') document.addEventListener('DOMContentLoaded', start);
else start();
