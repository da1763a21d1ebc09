/* Antrean city pages — what the dashboard and the report share: the language and the
 * officer token (localStorage), the words, number and date formats, and the calls to the
 * city's read API (/city/v1, or /city/v1/public without a token).
 */
import { T } from './words.js';

export const API = '/city/v1';
/** /city/public and /city/public/report never offer a sign-in and never send a token */
export const PUBLIC_ONLY = location.pathname.startsWith('/city/public');
const TOKEN_KEY = 'antrean.city.token';
const LANG_KEY = 'antrean.city.lang';

export const S = { lang: 'id', token: null };

function store(key, value) {
  try {
    if (value === null) localStorage.removeItem(key); else localStorage.setItem(key, value);
  } catch (e) { /* private mode: memory only */ }
}
function recall(key) {
  try { return localStorage.getItem(key); } catch (e) { return null; }
}

export function setToken(token) {
  S.token = PUBLIC_ONLY ? null : token;
  store(TOKEN_KEY, token);
}
export function setLang(lang) {
  S.lang = lang === 'en' ? 'en' : 'id';
  store(LANG_KEY, S.lang);
}

/**
 * The fragment "#token=…&lang=en&from=…&to=…" (a link, or a headless browser printing the
 * report): the token goes to localStorage and the fragment leaves the address bar at once.
 * Returns {from, to} when given.
 */
export function readStart() {
  const out = {};
  const p = new URLSearchParams(location.search.slice(1));
  for (const [k, v] of new URLSearchParams(location.hash.slice(1))) p.set(k, v);
  if (p.get('token') && !PUBLIC_ONLY) store(TOKEN_KEY, p.get('token').trim());
  if (p.get('lang') === 'en' || p.get('lang') === 'id') store(LANG_KEY, p.get('lang'));
  for (const k of ['from', 'to']) if (isDay(p.get(k))) out[k] = p.get(k);
  if (location.hash.length > 1) history.replaceState(null, '', location.pathname + location.search);
  S.token = PUBLIC_ONLY ? null : recall(TOKEN_KEY) || null;
  S.lang = recall(LANG_KEY) === 'en' ? 'en' : 'id';
  return out;
}

export function t(key, vars) {
  let s = (T[S.lang] && T[S.lang][key]) || T.id[key] || key;
  if (vars) for (const k of Object.keys(vars)) s = s.split('{' + k + '}').join(String(vars[k]));
  return s;
}

/** every [data-i18n] element gets its words in the chosen language */
export function applyWords(root) {
  document.documentElement.lang = S.lang;
  for (const el of (root || document).querySelectorAll('[data-i18n]')) el.textContent = t(el.dataset.i18n);
}

// ----- formats --------------------------------------------------------------------------
const locale = () => (S.lang === 'en' ? 'en-GB' : 'id-ID');
export function fmtInt(n) {
  return typeof n === 'number' && isFinite(n) ? new Intl.NumberFormat(locale()).format(n) : '–';
}
export function fmtDec(x, digits) {
  if (typeof x !== 'number' || !isFinite(x)) return '–';
  return new Intl.NumberFormat(locale(), {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(x);
}
/** seconds → minutes with one decimal ("4,2"); "–" when there is no value */
export const fmtMin = (sec) => (typeof sec === 'number' ? fmtDec(sec / 60, 1) : '–');
export function fmtMoney(x, currency) {
  return typeof x === 'number' ? (currency || 'Rp') + ' ' + fmtInt(x) : '–';
}
export function fmtPct(part, whole) {
  return whole ? fmtDec((100 * part) / whole, 0) + '%' : '–';
}
/** the wall-clock part of a zoned ISO time ("…T09:05:00+07:00" → "09.05"), as the city has it */
export function clock(iso, seconds) {
  if (typeof iso !== 'string' || iso.length < 16) return '';
  const hm = iso.slice(11, seconds ? 19 : 16);
  return S.lang === 'en' ? hm : hm.split(':').join('.');
}
export const isDay = (s) => /^\d{4}-\d{2}-\d{2}$/.test(s || '');
function utcDate(day) {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(day || '');
  return m ? new Date(Date.UTC(+m[1], +m[2] - 1, +m[3])) : null;
}
export function longDate(day, weekday) {
  const d = utcDate(day);
  if (!d) return '';
  return new Intl.DateTimeFormat(locale(), {
    weekday: weekday ? 'long' : undefined, day: 'numeric', month: 'long', year: 'numeric', timeZone: 'UTC',
  }).format(d);
}
export function shortDate(day) {
  const d = utcDate(day);
  return d ? new Intl.DateTimeFormat(locale(), { day: 'numeric', month: 'short', timeZone: 'UTC' }).format(d) : '';
}
export function addDays(day, n) {
  const d = utcDate(day);
  d.setUTCDate(d.getUTCDate() + n);
  return d.toISOString().slice(0, 10);
}
/** every day from `from` to `to`, both included */
export function daysOf(from, to) {
  const out = [];
  for (let d = from; d <= to && out.length < 1000; d = addDays(d, 1)) out.push(d);
  return out;
}
/** "1–30 November 2026" style period words */
export function period(from, to) {
  return from === to ? longDate(from) : longDate(from) + ' – ' + longDate(to);
}
export function serviceName(s) {
  return (S.lang === 'en' && s.name_en) || s.name || s.id;
}

// ----- the city's API -------------------------------------------------------------------
export class CityError extends Error {
  constructor(kind, status, body) {
    super(kind);
    this.kind = kind; // 'down' | 'db' | 'auth' | 'forbidden' | 'api'
    this.status = status;
    this.body = body || {};
  }
  text() {
    if (this.kind === 'down') return t('city_down');
    if (this.kind === 'db') return t('db_down');
    if (this.kind === 'auth') return t('token_wrong');
    if (this.kind === 'forbidden') return t('token_not_officer');
    return (S.lang === 'en' && this.body.message_en) || this.body.message || ('HTTP ' + this.status);
  }
}

/** GET a read route: the officer's when signed in, else its public twin */
export async function call(path, opts) {
  const o = opts || {};
  const token = o.token || S.token;
  const open = path === '/health';
  const url = API + (open || token ? '' : '/public') + path;
  const headers = { Accept: 'application/json' };
  if (token && !open) headers.Authorization = 'Bearer ' + token;
  let res;
  try {
    res = await fetch(url, { headers, cache: 'no-store', credentials: 'omit' });
  } catch (e) {
    throw new CityError('down', 0, null);
  }
  if (res.ok) return o.raw ? res : res.json();
  let body = null;
  try { body = await res.json(); } catch (e) { /* not JSON: a proxy, or a dead server */ }
  if (res.status === 401) throw new CityError('auth', 401, body);
  if (res.status === 403) throw new CityError('forbidden', 403, body);
  if (res.status === 503 && body && body.error === 'city_db_unavailable') throw new CityError('db', 503, body);
  if (res.status >= 500 && !body) throw new CityError('down', res.status, body);
  throw new CityError('api', res.status, body);
}

/** fetch a file from the API (officer or public) and hand it to the browser as a download */
export async function download(path, fallbackName) {
  const res = await call(path, { raw: true });
  const blob = await res.blob();
  const m = /filename="?([^";]+)"?/.exec(res.headers.get('Content-Disposition') || '');
  const name = m ? m[1] : fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 30000);
  return name;
}
