/* Antrean city — per-day charts as inline SVG: bars (residents served) and lines (waits).
 *
 * Every day of the range has a slot, a day with no post open included (no bar, a gap in the
 * line), so the x axis is the calendar. Drawn at the box's own width so 12 px labels stay
 * 12 px on a phone. fmt: {t, fmtInt, fmtDec, shortDate} from the page.
 */
import { fill, h, s } from './dom.js';

function niceStep(max, steps) {
  const raw = max / (steps || 5);
  const mag = Math.pow(10, Math.floor(Math.log10(raw || 1)));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * mag >= raw) return m * mag;
  return 10 * mag;
}

/** the frame every chart shares: y grid and labels, x labels for some of the days */
function frame(box, dates, maxV, unit, fmt) {
  const W = Math.max(300, Math.round(box.clientWidth || 640));
  const H = W < 500 ? 210 : 240;
  const m = { l: 46, r: 10, t: 22, b: 30 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const step = niceStep(maxV || 1, H < 220 ? 4 : 5);
  const top = Math.max(step, Math.ceil((maxV || 1) / step) * step);
  const y = (v) => m.t + ph - (v / top) * ph;
  const gw = pw / dates.length;
  const x = (i) => m.l + i * gw + gw / 2;
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, width: W, height: H, role: 'img' });
  const axis = s('g', { class: 'axis' });
  for (let v = 0; v <= top + 1e-9; v += step) {
    axis.append(s('line', { class: 'grid-line', x1: m.l, x2: W - m.r, y1: y(v), y2: y(v) }));
    axis.append(s('text', { x: m.l - 6, y: y(v) + 4, 'text-anchor': 'end', text: fmt.fmtDec(v, step < 1 ? 1 : 0) }));
  }
  if (unit) axis.append(s('text', { x: 2, y: m.t - 9, text: unit }));
  const every = Math.max(1, Math.ceil(58 / gw));
  dates.forEach((d, i) => {
    if ((dates.length - 1 - i) % every) return; // the last day always has its label
    axis.append(s('text', { class: 'xlab', x: x(i), y: H - m.b + 17, 'text-anchor': 'middle', text: fmt.shortDate(d) }));
  });
  svg.append(axis);
  return { svg, x, y, gw, ph, m, top };
}

/**
 * Bars, one per day: values is a Map date → {v, tip}. Returns nothing; fills box.
 */
export function barChart(box, dates, values, opts, fmt) {
  if (!dates.length || !values.size) { fill(box, h('p', { class: 'empty', text: fmt.t('no_days') })); return; }
  let maxV = 0;
  for (const { v } of values.values()) maxV = Math.max(maxV, v);
  const f = frame(box, dates, maxV, opts.unit, fmt);
  f.svg.setAttribute('aria-label', opts.label);
  const bw = Math.max(2, Math.min(34, f.gw * 0.72));
  const showVals = f.gw >= 30;
  dates.forEach((d, i) => {
    const e = values.get(d);
    if (!e) return;
    const hgt = Math.max(1.5, (e.v / f.top) * f.ph);
    f.svg.append(s('rect', {
      class: 'bar ' + (opts.cls || 'all'), x: f.x(i) - bw / 2, y: f.m.t + f.ph - hgt, width: bw, height: hgt, rx: 2,
      'data-date': d, 'data-value': e.v,
    }, s('title', { text: e.tip })));
    if (showVals) {
      f.svg.append(s('text', { class: 'val', x: f.x(i), y: f.m.t + f.ph - hgt - 4, 'text-anchor': 'middle', text: fmt.fmtInt(e.v) }));
    }
  });
  fill(box, f.svg);
}

/**
 * Lines, one per series: series = [{key, cls, label, values: Map date → number|null}].
 * A day without a value breaks the line; a lone day is a dot.
 */
export function lineChart(box, dates, series, opts, fmt) {
  let maxV = 0;
  let any = false;
  for (const se of series) {
    for (const v of se.values.values()) {
      if (typeof v === 'number') { maxV = Math.max(maxV, v); any = true; }
    }
  }
  if (!dates.length || !any) { fill(box, h('p', { class: 'empty', text: fmt.t('no_days') })); return; }
  const f = frame(box, dates, maxV, opts.unit, fmt);
  f.svg.setAttribute('aria-label', opts.label);
  for (const se of series) {
    const g = s('g', { class: 'series ' + se.cls, 'data-series': se.key });
    const lines = s('g');
    g.append(lines); // under the dots
    let run = [];
    const flush = () => {
      if (run.length > 1) lines.append(s('polyline', { class: 'line', points: run.map((p) => p.join(',')).join(' ') }));
      run = [];
    };
    dates.forEach((d, i) => {
      const v = se.values.get(d);
      if (typeof v !== 'number') { flush(); return; }
      const pt = [f.x(i).toFixed(1), f.y(v).toFixed(1)];
      run.push(pt);
      g.append(s('circle', { class: 'pt', cx: pt[0], cy: pt[1], r: f.gw >= 10 ? 3.2 : 2, 'data-date': d, 'data-value': v.toFixed(2) },
        s('title', { text: fmt.t('wait_tip', { date: fmt.shortDate(d), series: se.label, m: fmt.fmtDec(v, 1) }) })));
    });
    flush();
    f.svg.append(g);
  }
  const legend = h('div', { class: 'legend' }, series.map((se) =>
    h('span', null, h('span', { class: 'dot ' + se.cls }), se.label)));
  fill(box, f.svg, legend);
}
