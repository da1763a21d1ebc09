/* Antrean city — where the posts are: their configured lat/lon drawn as an SVG, no map tiles
 * (the page works in the city's own network, and a tile server would learn who looks).
 *
 * An equirectangular projection around the posts' middle latitude (good at a city's scale),
 * a scale bar in km and a north mark; each post a circle sized by its residents served,
 * labelled, the labels moved round their circle until they do not overlap.
 */
import { fill, h, s } from './dom.js';

const KM_PER_DEG = 111.32;

function niceKm(km) {
  for (const n of [0.5, 1, 2, 5, 10, 20, 50, 100, 200, 500]) if (n >= km) return n;
  return 1000;
}

/** rough width of a label in px at 12 px (the page has no font metrics before layout) */
const textW = (text, px) => text.length * px * 0.64;

function overlaps(a, list) {
  return list.some((b) => a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h);
}

/**
 * posts: [{post, name, lat, lon, served, silent, alert}] (only those with coordinates).
 * fmt: {t, fmtInt}.
 */
export function placeMap(box, posts, fmt) {
  if (!posts.length) { fill(box, h('p', { class: 'empty', text: fmt.t('no_coords_any') })); return; }
  const W = Math.max(300, Math.round(box.clientWidth || 600));
  const lat0 = posts.reduce((a, p) => a + p.lat, 0) / posts.length;
  const k = Math.cos((lat0 * Math.PI) / 180);
  const xs = posts.map((p) => p.lon * k);
  const ys = posts.map((p) => p.lat);
  const span = (v) => Math.max(...v) - Math.min(...v);
  const sx = Math.max(span(xs), 0.01);
  const sy = Math.max(span(ys), 0.01);
  const m = { l: 24, r: 24, t: 34, b: 44 };
  const pw = W - m.l - m.r;
  const H = Math.round(Math.min(460, Math.max(240, (pw * sy) / sx + m.t + m.b)));
  const ph = H - m.t - m.b;
  const scale = Math.min(pw / sx, ph / sy) * 0.84; // room for the labels at the edges
  const cx = (Math.max(...xs) + Math.min(...xs)) / 2;
  const cy = (Math.max(...ys) + Math.min(...ys)) / 2;
  const X = (p) => m.l + pw / 2 + (p.lon * k - cx) * scale;
  const Y = (p) => m.t + ph / 2 - (p.lat - cy) * scale;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': fmt.t('map_label') });
  svg.append(s('rect', { class: 'map-bg', x: 1, y: 1, width: W - 2, height: H - 2, rx: 8 }));
  // scale bar (bottom left) and north mark (top right)
  const pxPerKm = scale / KM_PER_DEG;
  const km = niceKm(90 / pxPerKm);
  const bar = km * pxPerKm;
  svg.append(s('g', { class: 'map-scale' },
    s('line', { x1: 16, x2: 16 + bar, y1: H - 18, y2: H - 18 }),
    s('line', { x1: 16, x2: 16, y1: H - 23, y2: H - 13 }),
    s('line', { x1: 16 + bar, x2: 16 + bar, y1: H - 23, y2: H - 13 }),
    s('text', { x: 16 + bar / 2, y: H - 26, 'text-anchor': 'middle', text: fmt.t('km', { n: String(km).replace('.', fmt.en ? '.' : ',') }) })));
  svg.append(s('g', { class: 'map-north' },
    s('path', { d: `M${W - 26} 30 l7 -16 l7 16 l-7 -5 z` }),
    s('text', { x: W - 19, y: 44, 'text-anchor': 'middle', text: fmt.t('north') })));
  const maxServed = Math.max(1, ...posts.map((p) => p.served || 0));
  const placed = [];
  const dots = s('g', { class: 'map-posts' });
  const labels = s('g', { class: 'map-labels' });
  // big circles first, so small ones stay visible on top
  for (const p of posts.slice().sort((a, b) => (b.served || 0) - (a.served || 0))) {
    const x = X(p);
    const y = Y(p);
    const r = 6 + 16 * Math.sqrt((p.served || 0) / maxServed);
    const cls = p.alert ? 'alert' : p.silent ? 'silent' : 'ok';
    dots.append(s('circle', { class: 'post ' + cls, cx: x.toFixed(1), cy: y.toFixed(1), r: r.toFixed(1), 'data-post': p.post },
      s('title', { text: fmt.t('place_tip', { name: p.name, n: fmt.fmtInt(p.served || 0) }) })));
    placed.push({ x: x - r, y: y - r, w: 2 * r, h: 2 * r });
  }
  for (const p of posts) {
    const x = X(p);
    const y = Y(p);
    const r = 6 + 16 * Math.sqrt((p.served || 0) / maxServed);
    const name = p.name;
    const sub = fmt.fmtInt(p.served || 0);
    const w = Math.max(textW(name, 12), textW(sub, 12)) + 4;
    const right = [x + r + 4, y - 3, 'start'];
    const left = [x - r - 4, y - 3, 'end'];
    const tries = [...(x > W / 2 ? [left, right] : [right, left]), [x, y - r - 20, 'middle'], [x, y + r + 14, 'middle']];
    let best = tries[0];
    for (const cand of tries) {
      const x0 = cand[2] === 'start' ? cand[0] : cand[2] === 'end' ? cand[0] - w : cand[0] - w / 2;
      const rect = { x: x0, y: cand[1] - 12, w, h: 28 };
      if (x0 >= 2 && x0 + w <= W - 2 && rect.y >= 2 && rect.y + rect.h <= H - 30 && !overlaps(rect, placed)) {
        best = cand;
        placed.push(rect);
        break;
      }
    }
    labels.append(s('text', { class: 'map-name', x: best[0].toFixed(1), y: best[1].toFixed(1), 'text-anchor': best[2], 'data-post': p.post },
      s('tspan', { text: name }),
      s('tspan', { class: 'map-n', x: best[0].toFixed(1), dy: 14, text: sub })));
  }
  svg.append(dots, labels);
  fill(box, svg);
}
