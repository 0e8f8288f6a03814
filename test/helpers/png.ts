// A minimal PNG decoder for tests (8-bit RGB/RGBA/gray, no interlace) and an XML well-formedness check.
import { inflateSync } from "node:zlib";

export interface Png {
  width: number;
  height: number;
  /** Channels per pixel (1 gray, 2 gray+alpha, 3 RGB, 4 RGBA). */
  channels: number;
  pixels: Uint8Array;
}

/** Decodes PNG bytes (signature, IHDR, IDAT chunks, unfiltering) or throws saying what is wrong. */
export function decodePng(bytes: Uint8Array): Png {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  if (!sig.every((b, i) => bytes[i] === b)) throw new Error("not a PNG: bad signature");
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pos = 8, width = 0, height = 0, depth = 0, colorType = 0, interlace = 0;
  const idat: Uint8Array[] = [];
  while (pos < bytes.length) {
    const len = dv.getUint32(pos);
    const type = String.fromCharCode(...bytes.subarray(pos + 4, pos + 8));
    const data = bytes.subarray(pos + 8, pos + 8 + len);
    if (type === "IHDR") {
      width = dv.getUint32(pos + 8);
      height = dv.getUint32(pos + 12);
      depth = data[8];
      colorType = data[9];
      interlace = data[12];
    } else if (type === "IDAT") idat.push(data);
    else if (type === "IEND") break;
    pos += 12 + len;
  }
  if (depth !== 8 || interlace !== 0) throw new Error(`unsupported PNG: bit depth ${depth}, interlace ${interlace}`);
  const channels = ({ 0: 1, 2: 3, 4: 2, 6: 4 } as Record<number, number>)[colorType];
  if (!channels) throw new Error(`unsupported PNG colour type ${colorType}`);
  const raw = inflateSync(Buffer.concat(idat));
  const stride = width * channels;
  if (raw.length !== height * (stride + 1)) throw new Error(`IDAT holds ${raw.length} bytes, expected ${height * (stride + 1)}`);
  const out = new Uint8Array(height * stride);
  for (let y = 0; y < height; y++) {
    const f = raw[y * (stride + 1)];
    const line = raw.subarray(y * (stride + 1) + 1, (y + 1) * (stride + 1));
    for (let x = 0; x < stride; x++) {
      const a = x >= channels ? out[y * stride + x - channels] : 0;
      const b = y > 0 ? out[(y - 1) * stride + x] : 0;
      const c = x >= channels && y > 0 ? out[(y - 1) * stride + x - channels] : 0;
      let pred = 0;
      if (f === 1) pred = a;
      else if (f === 2) pred = b;
      else if (f === 3) pred = (a + b) >> 1;
      else if (f === 4) {
        const p = a + b - c, pa = Math.abs(p - a), pb = Math.abs(p - b), pc = Math.abs(p - c);
        pred = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
      } else if (f !== 0) throw new Error(`bad filter type ${f} on row ${y}`);
      out[y * stride + x] = (line[x] + pred) & 0xff;
    }
  }
  return { width, height, channels, pixels: out };
}

/** Distinct colours and the fraction of pixels that are not white. */
export function pixelStats(png: Png): { colors: number; nonWhite: number } {
  const seen = new Set<number>();
  let nonWhite = 0;
  const n = png.width * png.height, c = png.channels;
  for (let i = 0; i < n; i++) {
    let key = 0, white = true;
    for (let k = 0; k < Math.min(c, 3); k++) {
      const v = png.pixels[i * c + k];
      key = key * 256 + v;
      if (v < 250) white = false;
    }
    seen.add(key);
    if (!white) nonWhite++;
  }
  return { colors: seen.size, nonWhite: nonWhite / n };
}

/** Throws unless the text is well-formed XML (tags nest and close, attributes quoted, entities valid). */
export function assertWellFormedXml(xml: string): { root: string; elements: number } {
  const stack: string[] = [];
  let elements = 0, root = "";
  const re = /<!--[\s\S]*?-->|<\?[\s\S]*?\?>|<!\[CDATA\[[\s\S]*?\]\]>|<\/([A-Za-z_][\w:.-]*)\s*>|<([A-Za-z_][\w:.-]*)((?:\s+[A-Za-z_][\w:.-]*\s*=\s*(?:"[^"<]*"|'[^'<]*'))*)\s*(\/?)>|([^<]+)|(<)/g;
  for (const m of xml.matchAll(re)) {
    const [, close, open, , selfClose, text, stray] = m;
    if (stray) throw new Error(`malformed tag at offset ${m.index}: ${xml.slice(m.index, m.index! + 40)}`);
    if (text !== undefined) {
      const bad = /&(?!(?:[A-Za-z]+|#\d+|#x[0-9A-Fa-f]+);)/.exec(text);
      if (bad) throw new Error(`bare & at offset ${m.index! + bad.index}`);
      if (!stack.length && text.trim()) throw new Error(`text outside the root element at offset ${m.index}`);
      continue;
    }
    if (open) {
      if (!stack.length && root) throw new Error(`second root element <${open}>`);
      root ||= open;
      elements++;
      if (!selfClose) stack.push(open);
    } else if (close) {
      const top = stack.pop();
      if (top !== close) throw new Error(`</${close}> closes <${top}> at offset ${m.index}`);
    }
  }
  if (stack.length) throw new Error(`unclosed <${stack.join("> <")}>`);
  if (!root) throw new Error("no root element");
  return { root, elements };
}
