/* Antrean dashboard — the SVG drawings: waiting time by hour, the satisfaction faces. */
import { fill, h, s } from './dom.js';

function niceStep(max) {
  for (const step of [0.5, 1, 2, 5, 10, 15, 20, 30, 60, 120]) if (max / step <= 5) return step;
  return Math.ceil(max / 5 / 60) * 60;
}

/**
 * Bars of the average wait per hour (minutes), priority beside regular when the hub splits
 * them. Drawn at the box's own width so the 12 px labels stay 12 px on a phone.
 * fmt: {t, fmtDec, fmtInt, en} — the page's words and number formats.
 */
export function drawHourChart(box, st, fmt) {
  const { t, fmtDec, fmtInt, en } = fmt;
  const hours = ((st && st.hours) || []).slice().sort((a, b) => a.hour - b.hour);
  if (!hours.length) { fill(box, h('p', { class: 'empty', text: t('no_data') })); return; }
  const split = hours.some((x) => x.wait_priority || x.wait_regular);
  const series = split
    ? [['priority', 'wait_priority'], ['regular', 'wait_regular']]
    : [['all', 'wait']];
  const byHour = new Map(hours.map((x) => [x.hour, x]));
  const first = hours[0].hour;
  const last = hours[hours.length - 1].hour;
  const slots = [];
  for (let hr = first; hr <= last; hr++) slots.push(byHour.get(hr) || { hour: hr, issued: 0 });
  const val = (slot, key) => {
    const w = slot[key];
    return w && typeof w.avg_s === 'number' ? w.avg_s / 60 : null;
  };
  let maxV = 0;
  for (const slot of slots) for (const [, key] of series) maxV = Math.max(maxV, val(slot, key) || 0);
  const anyCalled = slots.some((slot) => series.some(([, key]) => val(slot, key) !== null));
  if (!anyCalled) { fill(box, h('p', { class: 'empty', text: t('no_calls') })); return; }

  const W = Math.max(300, Math.round(box.clientWidth || 640));
  const H = W < 500 ? 240 : 280;
  const m = { l: 40, r: 8, t: 26, b: 44 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const step = niceStep(maxV || 1);
  const top = Math.max(step, Math.ceil((maxV || 1) / step) * step);
  const y = (v) => m.t + ph - (v / top) * ph;
  const svg = s('svg', {
    viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img', 'aria-label': t('chart_label'),
  });
  const axis = s('g', { class: 'axis' });
  for (let v = 0; v <= top + 1e-9; v += step) {
    axis.append(s('line', { class: 'grid-line', x1: m.l, x2: W - m.r, y1: y(v), y2: y(v) }));
    axis.append(s('text', { x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end', text: fmtDec(v, step < 1 ? 1 : 0) }));
  }
  axis.append(s('text', { x: 2, y: m.t - 12, text: t('min') }));
  svg.append(axis);
  const gw = pw / slots.length;
  const bw = Math.max(3, Math.min(30, (gw * 0.78) / series.length));
  const showVals = gw >= series.length * 26;
  const every = gw < 34 ? Math.ceil(34 / gw) : 1;
  slots.forEach((slot, i) => {
    const x0 = m.l + i * gw + (gw - bw * series.length) / 2;
    series.forEach(([cls, key], j) => {
      const v = val(slot, key);
      if (v === null) return;
      const hgt = Math.max(1.5, (v / top) * ph);
      const w = slot[key] || {};
      const hh = String(slot.hour).padStart(2, '0');
      const h2 = String((slot.hour + 1) % 24).padStart(2, '0');
      const bar = s('rect', {
        class: 'bar ' + cls, x: x0 + j * bw, y: m.t + ph - hgt, width: bw - 2, height: hgt, rx: 2,
        'data-hour': slot.hour, 'data-series': cls, 'data-min': v.toFixed(2),
      }, s('title', { text: t('hour_tip', { h: hh, h2, series: t(cls), m: fmtDec(v, 1), n: w.count || 0 }) }));
      svg.append(bar);
      if (showVals) {
        svg.append(s('text', {
          class: 'val', x: x0 + j * bw + (bw - 2) / 2, y: m.t + ph - hgt - 4, 'text-anchor': 'middle',
          text: fmtDec(v, v < 10 ? 1 : 0),
        }));
      }
    });
    if (i % every === 0) {
      const cx = m.l + i * gw + gw / 2;
      svg.append(s('text', { class: 'xlab', x: cx, y: H - m.b + 16, 'text-anchor': 'middle',
        text: String(slot.hour).padStart(2, '0') + (en ? ':00' : '.00') }));
      if (slot.issued) {
        svg.append(s('text', { class: 'nlab', x: cx, y: H - m.b + 32, 'text-anchor': 'middle',
          text: fmtInt(slot.issued) }));
      }
    }
  });
  const legend = h('div', { class: 'legend' }, series.map(([cls]) =>
    h('span', null, h('span', { class: 'dot ' + cls }), t(cls))));
  fill(box, svg, legend);
}

const FACES = {
  4: { fill: '#c6ecd3', ink: '#1f6b3f', mouth: 'M15 30 Q24 40 33 30' },
  3: { fill: '#e2f3c8', ink: '#4b7a1f', mouth: 'M16 31 Q24 36 32 31' },
  2: { fill: '#fbe7c0', ink: '#8a5a00', mouth: 'M16 34 Q24 30 32 34' },
  1: { fill: '#f8d0d0', ink: '#9b2222', mouth: 'M15 36 Q24 27 33 36' },
};
/** one of the four faces (4 = Sangat puas … 1 = Tidak puas) as a small SVG */
export function face(score) {
  const f = FACES[score];
  return s('svg', { viewBox: '0 0 48 48', 'aria-hidden': 'true' },
    s('circle', { cx: 24, cy: 24, r: 21, fill: f.fill, stroke: f.ink, 'stroke-width': 2.5 }),
    s('circle', { cx: 17, cy: 19, r: 2.6, fill: f.ink }),
    s('circle', { cx: 31, cy: 19, r: 2.6, fill: f.ink }),
    s('path', { d: f.mouth, fill: 'none', stroke: f.ink, 'stroke-width': 2.8, 'stroke-linecap': 'round' }));
}
