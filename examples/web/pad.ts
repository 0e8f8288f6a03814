// The drawing pad: a 280×280 canvas the user draws on (mouse, pen or touch), and its contents
// turned into what the digits models saw in training: MNIST's preprocessing, the stroke's
// bounding box scaled to fit 20×20 and placed in a 28×28 field with its centre of mass at the
// centre, grey levels in [0, 1].

export class DrawingPad {
  private readonly ctx: CanvasRenderingContext2D;
  private last: [number, number] | null = null;
  /** Called when a stroke ends. */
  onStroke: () => void = () => {};

  constructor(readonly canvas: HTMLCanvasElement) {
    this.ctx = canvas.getContext("2d", { willReadFrequently: true })!;
    this.clear();
    const at = (e: PointerEvent): [number, number] => {
      const r = canvas.getBoundingClientRect();
      return [((e.clientX - r.left) * canvas.width) / r.width, ((e.clientY - r.top) * canvas.height) / r.height];
    };
    canvas.addEventListener("pointerdown", (e) => {
      canvas.setPointerCapture(e.pointerId);
      this.last = at(e);
      this.line(this.last, this.last);
    });
    canvas.addEventListener("pointermove", (e) => {
      if (!this.last) return;
      const p = at(e);
      this.line(this.last, p);
      this.last = p;
    });
    const end = () => {
      if (!this.last) return;
      this.last = null;
      this.onStroke();
    };
    canvas.addEventListener("pointerup", end);
    canvas.addEventListener("pointercancel", end);
  }

  clear(): void {
    this.ctx.fillStyle = "#000";
    this.ctx.fillRect(0, 0, this.canvas.width, this.canvas.height);
  }

  /** Draws a stroke through `points` (pad pixels), as a user's drag would. */
  stroke(points: [number, number][]): void {
    for (let i = 0; i < points.length; i++) this.line(points[Math.max(0, i - 1)], points[i]);
    this.onStroke();
  }

  private line(a: [number, number], b: [number, number]): void {
    const { ctx } = this;
    ctx.strokeStyle = "#fff";
    ctx.lineWidth = this.canvas.width / 14;
    ctx.lineCap = "round";
    ctx.lineJoin = "round";
    ctx.beginPath();
    ctx.moveTo(a[0], a[1]);
    ctx.lineTo(b[0], b[1]);
    ctx.stroke();
  }

  /** The drawing as 784 grey levels in [0, 1] (row-major 28×28), or null when the pad is empty. */
  pixels(): Float32Array | null {
    const { width: W, height: H } = this.canvas;
    const src = this.ctx.getImageData(0, 0, W, H).data;
    let x0 = W, y0 = H, x1 = -1, y1 = -1;
    for (let y = 0; y < H; y++) for (let x = 0; x < W; x++) {
      if (src[4 * (y * W + x)] > 20) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
    }
    if (x1 < 0) return null;
    const bw = x1 - x0 + 1, bh = y1 - y0 + 1, s = 20 / Math.max(bw, bh);
    const draw = (dx: number, dy: number) => {
      const small = document.createElement("canvas");
      small.width = small.height = 28;
      const c = small.getContext("2d", { willReadFrequently: true })!;
      c.fillStyle = "#000";
      c.fillRect(0, 0, 28, 28);
      c.imageSmoothingEnabled = true;
      c.imageSmoothingQuality = "high";
      c.drawImage(this.canvas, x0, y0, bw, bh, dx, dy, bw * s, bh * s);
      const d = c.getImageData(0, 0, 28, 28).data;
      return Float32Array.from({ length: 784 }, (_, i) => d[4 * i] / 255);
    };
    // Centred box first, then shifted so the centre of mass sits at (14, 14).
    const dx = (28 - bw * s) / 2, dy = (28 - bh * s) / 2;
    const first = draw(dx, dy);
    let m = 0, mx = 0, my = 0;
    first.forEach((v, i) => { m += v; mx += v * (i % 28); my += v * Math.floor(i / 28); });
    if (m === 0) return first;
    return draw(dx + Math.round(13.5 - mx / m), dy + Math.round(13.5 - my / m));
  }
}
