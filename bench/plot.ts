// A small SVG line chart of speed-up against L per model and method, for the rounds benchmark.
interface Point { model: string; n: number; method: string; window: number; speedup: number }

const COLORS: Record<string, string> = { "ring-2d": "#1f77b4", "gmm-512": "#d62728", glyphs: "#2ca02c" };

export const speedupPlot = (rows: Point[], n: number): string => {
  const pts = rows.filter((r) => r.n === n && r.method !== "sequential");
  const W = 640, H = 400, pad = 50;
  const maxY = Math.max(2, ...pts.map((p) => p.speedup)) * 1.1;
  const xOf = (l: number) => pad + (Math.log2(l) - 1) / 3 * (W - 2 * pad);
  const yOf = (s: number) => H - pad - (s / maxY) * (H - 2 * pad);
  const series = [...new Set(pts.map((p) => `${p.model}|${p.method}`))];
  const lines = series.map((key, i) => {
    const [model, method] = key.split("|");
    const ps = pts.filter((p) => p.model === model && p.method === method).sort((a, b) => a.window - b.window);
    const d = ps.map((p) => `${xOf(p.window).toFixed(1)},${yOf(p.speedup).toFixed(1)}`).join(" ");
    const dash = method === "token" ? ' stroke-dasharray="6 4"' : "";
    return `<polyline fill="none" stroke="${COLORS[model] ?? "#555"}" stroke-width="2"${dash} points="${d}"/>` +
      `<text x="${W - pad + 5}" y="${pad + 14 * i}" font-size="11" fill="${COLORS[model] ?? "#555"}">${model} ${method}</text>`;
  });
  const ticks = [2, 4, 8, 16].map((l) => `<text x="${xOf(l)}" y="${H - pad + 18}" font-size="12" text-anchor="middle">${l}</text>`);
  const yTicks = Array.from({ length: 5 }, (_, i) => (maxY * i) / 4).map((s) => `<text x="${pad - 8}" y="${yOf(s) + 4}" font-size="12" text-anchor="end">${s.toFixed(1)}</text>`);
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${W + 120}" height="${H}">` +
    `<rect width="100%" height="100%" fill="white"/>` +
    `<line x1="${pad}" y1="${H - pad}" x2="${W - pad}" y2="${H - pad}" stroke="black"/><line x1="${pad}" y1="${pad}" x2="${pad}" y2="${H - pad}" stroke="black"/>` +
    `<text x="${W / 2}" y="${H - 10}" font-size="13" text-anchor="middle">window L (N = ${n}; solid block, dashed token)</text>` +
    `<text x="14" y="${H / 2}" font-size="13" transform="rotate(-90 14 ${H / 2})" text-anchor="middle">speed-up (N / rounds)</text>` +
    ticks.join("") + yTicks.join("") + lines.join("") + "</svg>";
};
