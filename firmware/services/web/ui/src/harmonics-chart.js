// The bar chart of harmonics 2-31 (web manual 6.3.4), one bar per phase or channel side by side.
import uPlot from 'uplot';

export const ORDERS = Array.from({ length: 30 }, (_, i) => i + 2);

const COLORS = ['#d4a017', '#2e8b57', '#c0392b'];  // yellow, green, red: phase colour codes
const GROUP = 0.8;                                  // share of one order's width the bars take

function width(container) {
  return Math.max(280, container.clientWidth || 600);
}

// series: [{label, values: [30 numbers, orders 2-31]}]
export function harmonicsChart(container, series) {
  const bar = GROUP / series.length;
  const bars = uPlot.paths.bars({
    disp: {
      x0: { unit: 1, values: (u, s) => u.data[0].map((x) => x - GROUP / 2 + (s - 1) * bar) },
      size: { unit: 1, values: () => [bar * 0.9] },
    },
  });
  const options = {
    width: width(container),
    height: 260,
    legend: { show: true },
    cursor: { drag: { x: false, y: false } },
    scales: { x: { time: false, range: [1.4, 31.6] }, y: { range: (u, min, max) => [0, Math.max(1, max * 1.1)] } },
    axes: [
      { label: 'Harmonic order', incrs: [1, 2, 5], values: (u, ticks) => ticks.map((t) => (Number.isInteger(t) ? t : '')) },
      { label: '%', size: 50 },
    ],
    series: [
      { label: 'Order', value: (u, v) => (v == null ? '-' : v) },
      ...series.map((s, i) => ({
        label: s.label,
        fill: COLORS[i % COLORS.length],
        stroke: COLORS[i % COLORS.length],
        width: 0,
        paths: bars,
        points: { show: false },
        value: (u, v) => (v == null ? '-' : `${v.toFixed(3)} %`),
      })),
    ],
  };
  const chart = new uPlot(options, [ORDERS, ...series.map((s) => s.values)], container);
  const onResize = () => chart.setSize({ width: width(container), height: 260 });
  window.addEventListener('resize', onResize);
  return {
    update: (next) => chart.setData([ORDERS, ...next.map((s) => s.values)]),
    destroy: () => {
      window.removeEventListener('resize', onResize);
      chart.destroy();
    },
  };
}
