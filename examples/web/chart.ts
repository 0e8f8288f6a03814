// A small line chart on a canvas for the live training curves: redrawn whole on every update
// (a few hundred points), sharp on high-DPI screens. ds.plot (Vega) would do, but it loads
// ~300 KB on first use and renders asynchronously; a curve updated every few batches wants neither.

export interface Series { label: string; color: string; points: [number, number][]; dots?: boolean }

export interface ChartOptions { title: string; xLabel: string; yMin?: number; yMax?: number; xMax?: number; format?: (y: number) => string }

export class LineChart {
  private readonly ctx: CanvasRenderingContext2D;
  series: Series[] = [];

  constructor(private readonly canvas: HTMLCanvasElement, readonly opts: ChartOptions) {
    this.ctx = canvas.getContext("2d")!;
    new ResizeObserver(() => this.draw()).observe(canvas);
  }

  draw(): void {
    const { canvas, ctx, opts } = this;
    const dpr = window.devicePixelRatio || 1;
    const w = canvas.clientWidth, h = canvas.clientHeight;
    if (!w || !h) return;
    if (canvas.width !== Math.round(w * dpr)) canvas.width = Math.round(w * dpr);
    if (canvas.height !== Math.round(h * dpr)) canvas.height = Math.round(h * dpr);
    ctx.setTransform(dpr, 0, 0, dpr, 0, 0);
    ctx.clearRect(0, 0, w, h);
    const pad = { l: 44, r: 14, t: 28, b: 34 };
    const all = this.series.flatMap((s) => s.points);
    const xMax = Math.max(opts.xMax ?? 1, ...all.map((p) => p[0]));
    let yMin = opts.yMin ?? Math.min(...all.map((p) => p[1]), Infinity);
    let yMax = opts.yMax ?? Math.max(...all.map((p) => p[1]), -Infinity);
    if (!Number.isFinite(yMin) || !Number.isFinite(yMax)) [yMin, yMax] = [0, 1];
    if (yMax - yMin < 1e-9) yMax = yMin + 1;
    const X = (x: number) => pad.l + (x / xMax) * (w - pad.l - pad.r);
    const Y = (y: number) => h - pad.b - ((y - yMin) / (yMax - yMin)) * (h - pad.t - pad.b);
    const fmt = opts.format ?? ((y: number) => y.toFixed(yMax - yMin < 1 ? 2 : 1));

    ctx.font = "12px system-ui, sans-serif";
    ctx.fillStyle = "#1d2433";
    ctx.fillText(opts.title, pad.l, 16);
    // Grid and y labels.
    ctx.strokeStyle = "#e8ebf2";
    ctx.fillStyle = "#6b7385";
    ctx.lineWidth = 1;
    ctx.textAlign = "right";
    for (let i = 0; i <= 4; i++) {
      const y = yMin + ((yMax - yMin) * i) / 4;
      ctx.beginPath();
      ctx.moveTo(pad.l, Math.round(Y(y)) + 0.5);
      ctx.lineTo(w - pad.r, Math.round(Y(y)) + 0.5);
      ctx.stroke();
      ctx.fillText(fmt(y), pad.l - 6, Y(y) + 4);
    }
    ctx.textAlign = "center";
    // Whole-number x ticks (epochs), at most ~10 of them.
    const step = Math.max(1, Math.ceil(xMax / 10));
    for (let x = 0; x <= xMax; x += step) ctx.fillText(String(x), X(x), h - pad.b + 14);
    ctx.fillText(opts.xLabel, (pad.l + w - pad.r) / 2, h - 3);
    // Curves, then a legend in the top right.
    for (const s of this.series) {
      ctx.strokeStyle = s.color;
      ctx.fillStyle = s.color;
      ctx.lineWidth = 2;
      ctx.beginPath();
      s.points.forEach(([x, y], i) => (i ? ctx.lineTo(X(x), Y(y)) : ctx.moveTo(X(x), Y(y))));
      ctx.stroke();
      if (s.dots) for (const [x, y] of s.points) { ctx.beginPath(); ctx.arc(X(x), Y(y), 3, 0, 2 * Math.PI); ctx.fill(); }
    }
    ctx.textAlign = "left";
    let lx = w - pad.r;
    for (const s of [...this.series].reverse()) {
      const tw = ctx.measureText(s.label).width;
      lx -= tw + 22;
      ctx.fillStyle = s.color;
      ctx.fillRect(lx, 8, 10, 10);
      ctx.fillStyle = "#1d2433";
      ctx.fillText(s.label, lx + 14, 17);
    }
  }
}
