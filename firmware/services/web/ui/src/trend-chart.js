// The trend log chart (web manual 6.4.1): real-time averages with their minimum-maximum band, or
// energy increases as bars; a gap (an interval with nothing stored) stays a gap. Drag on the chart
// to zoom in; times in UTC, as the API gives them.
import uPlot from 'uplot';

const HEIGHT = 300;
const BLUE = '#0b4f8a';
const utc = (ts) => uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC');

function width(container) {
  return Math.max(280, container.clientWidth || 600);
}

// The y range around the values (uPlot's own spreads a flat line over 0-400 V).
function padded(u, min, max) {
  if (min == null || max == null) return [0, 1];
  const pad = Math.max((max - min) * 0.1, Math.abs(max) * 0.002, 1e-3);
  return [min - pad, max + pad];
}

const show = (unit) => (u, v) => (v == null ? '-' : `${v.toFixed(3)} ${unit}`.trim());

// reply: GET /api/v1/trend/{kind}; the arrays uPlot draws (null = a gap).
export function chartData(kind, reply) {
  const points = reply.points || [];
  const column = (name) => points.map((p) => (typeof p[name] === 'number' ? p[name] : null));
  const t = points.map((p) => p.t);
  return kind === 'realtime' ? [t, column('average'), column('minimum'), column('maximum')] : [t, column('delta')];
}

// onZoom(zoomed): after every change of the time axis (a drag zooms in, Reset Zoom zooms out).
export function trendChart(container, kind, reply, onZoom = () => {}) {
  const unit = reply.unit || '';
  const line = (label, stroke, w, dash) => ({ label, stroke, width: w, dash, spanGaps: false, value: show(unit) });
  const series = kind === 'realtime'
    ? [line('Average', BLUE, 2), line('Minimum', '#2e8b57', 1, [4, 3]), line('Maximum', '#c0392b', 1, [4, 3])]
    : [{
      label: 'Increase', stroke: BLUE, fill: 'rgba(11, 79, 138, 0.55)', width: 1, spanGaps: false, value: show(unit),
      paths: uPlot.paths.bars({ size: [0.9, Infinity], align: 1 }), points: { show: false },
    }];
  const data = chartData(kind, reply);
  const options = {
    width: width(container),
    height: HEIGHT,
    tzDate: utc,
    cursor: { drag: { x: true, y: false, setScale: true } },
    scales: { x: { time: true }, y: { range: padded } },
    axes: [{ label: 'Time (UTC)' }, { label: unit ? `${reply.key} (${unit})` : reply.key, size: 60 }],
    series: [{ label: 'Time (UTC)' }, ...series],
    bands: kind === 'realtime' ? [{ series: [3, 2], fill: 'rgba(11, 79, 138, 0.12)' }] : [],
  };
  // Bars start at their interval's start: the x range covers the last bar too.
  const step = kind === 'energy' ? reply.interval || 60 : 0;
  options.hooks = {
    setScale: [(u, key) => {
      const xs = u.data[0];
      if (key !== 'x' || !xs.length) return;
      onZoom(u.scales.x.min > xs[0] + 1e-6 || u.scales.x.max < xs[xs.length - 1] + step - 1e-6);
    }],
  };
  if (kind === 'energy') {
    options.scales.x.range = (u, min, max) => [min, max + step];
    options.scales.y = { range: (u, min, max) => [Math.min(0, min), Math.max(max * 1.1, min + 1e-3, 1e-3)] };
  }
  const chart = new uPlot(options, data, container);
  const onResize = () => chart.setSize({ width: width(container), height: HEIGHT });
  window.addEventListener('resize', onResize);
  return {
    resetZoom: () => chart.setData(chart.data, true),
    // The plot and its axes as a PNG on white (the canvas itself is transparent).
    image: () => new Promise((resolve) => {
      const source = chart.ctx.canvas;
      const canvas = document.createElement('canvas');
      canvas.width = source.width;
      canvas.height = source.height;
      const ctx = canvas.getContext('2d');
      ctx.fillStyle = '#fff';
      ctx.fillRect(0, 0, canvas.width, canvas.height);
      ctx.drawImage(source, 0, 0);
      canvas.toBlob(resolve, 'image/png');
    }),
    destroy: () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    },
  };
}
