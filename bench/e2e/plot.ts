// SVG of wall-clock per request, stacked into network wait, provider compute and in-Worker CPU:
// one panel per round-trip latency, each on its own scale (sequential would flatten the others).
export interface Bar { rtt: number; method: string; networkMs: number; computeMs: number; cpuMs: number }

const PARTS = [
  ["networkMs", "#1f77b4", "network wait"],
  ["computeMs", "#ff7f0e", "provider compute"],
  ["cpuMs", "#2ca02c", "in-Worker CPU"],
] as const;

const panel = (bars: Bar[], x0: number, w: number, h: number, top: number): string => {
  const total = (b: Bar) => b.networkMs + b.computeMs + b.cpuMs;
  const maxY = Math.max(...bars.map(total)) * 1.15;
  const y = (ms: number) => top + h - (ms / maxY) * h;
  const barW = w / bars.length;
  const out = bars.map((b, i) => {
    const x = x0 + i * barW + 6;
    let base = 0;
    const rects = PARTS.map(([key, color]) => {
      const r = `<rect x="${x.toFixed(1)}" y="${y(base + b[key]).toFixed(1)}" width="${(barW - 12).toFixed(1)}" height="${(y(base) - y(base + b[key])).toFixed(1)}" fill="${color}"/>`;
      base += b[key];
      return r;
    });
    const cx = (x + (barW - 12) / 2).toFixed(1);
    return rects.join("") + `<text x="${cx}" y="${(y(base) - 4).toFixed(1)}" font-size="10" text-anchor="middle">${total(b).toFixed(0)}</text>` +
      `<text x="${cx}" y="${top + h + 14}" font-size="10" text-anchor="middle">${b.method}</text>`;
  });
  const axis = `<line x1="${x0}" y1="${top + h}" x2="${x0 + w}" y2="${top + h}" stroke="black"/>`;
  return axis + out.join("") + `<text x="${(x0 + w / 2).toFixed(1)}" y="${top + h + 32}" font-size="12" text-anchor="middle">RTT ${bars[0].rtt} ms</text>`;
};

export const wallClockPlot = (bars: Bar[]): string => {
  const rtts = [...new Set(bars.map((b) => b.rtt))];
  const W = 240 * rtts.length + 40, H = 400, top = 60, h = 280;
  const panels = rtts.map((r, i) => panel(bars.filter((b) => b.rtt === r), 30 + i * 240, 210, h, top));
  const legend = PARTS.map(([, color, label], i) => `<rect x="${30 + 150 * i}" y="20" width="10" height="10" fill="${color}"/><text x="${45 + 150 * i}" y="29" font-size="11">${label}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}"><rect width="100%" height="100%" fill="white"/>` +
    `<text x="${W - 10}" y="29" font-size="11" text-anchor="end">ms per request (labels: total)</text>` + legend.join("") + panels.join("") + "</svg>";
};
