// Reading zip archives (PKWARE APPNOTE 6.3), as torch.save writes them: the central directory
// is trusted only after every entry is checked against the file (its local header, its data
// range, no two entries overlapping), and a member's bytes are checked against the declared size
// and CRC-32 when read. Stored members are views into the archive (no copy); deflated ones are
// inflated by the caller's Inflate, or by Node's zlib (looked up on use, never imported, so the
// module loads in a page and bundles carry no inflater). Multi-disk and encrypted archives and
// other compression methods are refused.
import { nodeBuiltin } from "../core/source.js";

/** Raw deflate data → at most `size` bytes (more is an error or is cut; the CRC check follows). */
export type Inflate = (raw: Uint8Array, size: number) => Uint8Array;

/** Node's zlib as an Inflate (stopping at the declared size), or undefined outside Node. */
export function nodeInflate(): Inflate | undefined {
  const z = nodeBuiltin<typeof import("node:zlib")>("node:zlib");
  return z && ((raw, size) => z.inflateRawSync(raw, { maxOutputLength: Math.max(1, size) }));
}

/** One member of an archive, as its central directory declares it (checked against its local header). */
export interface ZipEntry {
  name: string;
  /** 0 stored, 8 deflate. */
  method: number;
  compressedSize: number;
  size: number;
  crc: number;
  /** Where the member's (compressed) bytes start in the archive. */
  dataStart: number;
}

/** Limits an archive must keep, checked before anything is allocated. */
export interface ZipLimits {
  /** Most members (default 1,000,000). */
  maxEntries?: number;
  /** Largest uncompressed member, in bytes (default 2^31 − 1: what a typed array holds). */
  maxEntryBytes?: number;
}

// Deflate cannot do better than about 1032:1 (a 258-byte match in every 2-bit code, plus block
// overhead), so a member declaring more is lying and is refused before any buffer is made for it.
const DEFLATE_MAX_RATIO = 1032;

const EOCD = 0x06054b50, EOCD64 = 0x06064b50, LOCATOR64 = 0x07064b50, CENTRAL = 0x02014b50, LOCAL = 0x04034b50;

/**
 * The members of a zip archive by name, all validated; `fail(reason)` makes the error to throw.
 * @example const entries = readZipDirectory(bytes, (why) => new FileError("loadTorch", path, why));
 */
export function readZipDirectory(bytes: Uint8Array, fail: (reason: string) => Error, limits: ZipLimits = {}): Map<string, ZipEntry> {
  const maxEntries = limits.maxEntries ?? 1_000_000;
  const maxEntryBytes = limits.maxEntryBytes ?? 2 ** 31 - 1;
  const dv = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = bytes.length;
  const u16 = (at: number) => dv.getUint16(at, true);
  const u32 = (at: number) => dv.getUint32(at, true);
  const u64 = (at: number, what: string) => {
    const v = dv.getBigUint64(at, true);
    if (v > BigInt(Number.MAX_SAFE_INTEGER)) throw fail(`corrupt zip: ${what} ${v} is beyond any file`);
    return Number(v);
  };

  // The end-of-central-directory record: the last one whose comment reaches exactly the end.
  let eocd = -1;
  for (let at = n - 22; at >= 0 && at >= n - 22 - 0xffff; at--) {
    if (u32(at) === EOCD && at + 22 + u16(at + 20) === n) { eocd = at; break; }
  }
  if (eocd < 0) throw fail("not a zip archive (no end-of-central-directory record; truncated?)");
  if (u16(eocd + 4) !== 0 || u16(eocd + 6) !== 0) throw fail("multi-disk zip archives are not supported");
  let count = u16(eocd + 10), cdSize = u32(eocd + 12), cdOffset = u32(eocd + 16);
  let cdEnd = eocd;
  if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
    // Zip64: a locator just before the record points at the zip64 end-of-central-directory record.
    const loc = eocd - 20;
    if (loc < 0 || u32(loc) !== LOCATOR64) throw fail("corrupt zip: the end record asks for zip64 but there is no zip64 locator");
    const rec = u64(loc + 8, "zip64 record offset");
    if (rec + 56 > loc || u32(rec) !== EOCD64) throw fail("corrupt zip: the zip64 locator does not point at a zip64 end record");
    count = u64(rec + 32, "entry count");
    cdSize = u64(rec + 40, "central directory size");
    cdOffset = u64(rec + 48, "central directory offset");
    cdEnd = rec;
  } else if (eocd >= 20 && u32(eocd - 20) === LOCATOR64) {
    // torch.save always writes zip64 records too; the central directory then ends at the zip64 record.
    const rec = u64(eocd - 20 + 8, "zip64 record offset");
    if (rec + 56 <= eocd - 20 && u32(rec) === EOCD64) cdEnd = rec;
  }
  if (count > maxEntries) throw fail(`the zip declares ${count} members, more than the ${maxEntries} allowed`);
  if (cdOffset + cdSize > cdEnd) throw fail(`corrupt zip: the central directory (${cdSize} bytes at ${cdOffset}) runs past its end record at ${cdEnd}`);
  if (count * 46 > cdSize) throw fail(`corrupt zip: ${count} members cannot fit a ${cdSize}-byte central directory`);

  const entries = new Map<string, ZipEntry>();
  const spans: [number, number, string][] = [];
  const utf8 = new TextDecoder("utf-8", { fatal: true });
  let at = cdOffset;
  for (let i = 0; i < count; i++) {
    if (at + 46 > cdOffset + cdSize || u32(at) !== CENTRAL) throw fail(`corrupt zip: central directory entry ${i} is missing or damaged`);
    const flags = u16(at + 8), method = u16(at + 10), crc = u32(at + 16);
    let csize = u32(at + 20), size = u32(at + 24), local = u32(at + 42);
    const nameLen = u16(at + 28), extraLen = u16(at + 30), commentLen = u16(at + 32);
    const next = at + 46 + nameLen + extraLen + commentLen;
    if (next > cdOffset + cdSize) throw fail(`corrupt zip: central directory entry ${i} runs past the directory`);
    let name: string;
    try {
      name = utf8.decode(bytes.subarray(at + 46, at + 46 + nameLen));
    } catch {
      throw fail(`corrupt zip: the name of member ${i} is not UTF-8`);
    }
    const what = `member ${JSON.stringify(name.length > 80 ? `${name.slice(0, 80)}…` : name)}`;
    if (flags & 1) throw fail(`${what} is encrypted`);
    if (method !== 0 && method !== 8) throw fail(`${what} uses compression method ${method} (only stored and deflate are read)`);
    // Zip64 extra field: the 64-bit values of those fields that are saturated, in this order.
    if (csize === 0xffffffff || size === 0xffffffff || local === 0xffffffff) {
      let e = at + 46 + nameLen;
      const eEnd = e + extraLen;
      let found = false;
      while (e + 4 <= eEnd) {
        const id = u16(e), len = u16(e + 2);
        if (e + 4 + len > eEnd) break;
        if (id === 1) {
          let p = e + 4;
          const take = (what2: string) => {
            if (p + 8 > e + 4 + len) throw fail(`corrupt zip: ${what}'s zip64 field lacks its ${what2}`);
            const v = u64(p, what2);
            p += 8;
            return v;
          };
          if (size === 0xffffffff) size = take("size");
          if (csize === 0xffffffff) csize = take("compressed size");
          if (local === 0xffffffff) local = take("header offset");
          found = true;
          break;
        }
        e += 4 + len;
      }
      if (!found) throw fail(`corrupt zip: ${what} has saturated sizes but no zip64 field`);
    }
    if (entries.has(name)) throw fail(`corrupt zip: two members are named ${JSON.stringify(name)}`);
    if (size > maxEntryBytes) throw fail(`${what} declares ${size} bytes, more than the ${maxEntryBytes} allowed`);
    if (method === 0 && csize !== size) throw fail(`corrupt zip: stored ${what} declares ${size} bytes but holds ${csize}`);
    if (method === 8 && size > DEFLATE_MAX_RATIO * csize + 1024) throw fail(`${what} declares ${size} bytes from ${csize} compressed: more than deflate can produce (a decompression bomb?)`);
    // The local header must agree on the name; its own sizes may be zero (data descriptor follows).
    if (local + 30 > cdOffset || u32(local) !== LOCAL) throw fail(`corrupt zip: ${what}'s local header at ${local} is missing`);
    const lName = u16(local + 26), lExtra = u16(local + 28);
    const dataStart = local + 30 + lName + lExtra;
    if (lName !== nameLen || !bytes.subarray(local + 30, local + 30 + lName).every((b, k) => b === bytes[at + 46 + k])) {
      throw fail(`corrupt zip: ${what}'s local header names another file`);
    }
    if (dataStart + csize > cdOffset) throw fail(`truncated or corrupt zip: ${what}'s ${csize} bytes at ${dataStart} run past the member data`);
    spans.push([local, dataStart + csize, name]);
    entries.set(name, { name, method, compressedSize: csize, size, crc, dataStart });
    at = next;
  }
  // Members must not share bytes (overlapping members multiply what a small file expands to).
  spans.sort((a, b) => a[0] - b[0]);
  for (let i = 1; i < spans.length; i++) {
    if (spans[i][0] < spans[i - 1][1]) throw fail(`corrupt zip: members ${JSON.stringify(spans[i - 1][2])} and ${JSON.stringify(spans[i][2])} overlap`);
  }
  return entries;
}

/**
 * A member's bytes, checked against its declared size and CRC-32 (a view into `bytes` when
 * stored). A deflated member needs `inflate` (default: Node's zlib; null, or none, is an error).
 */
export function readZipEntry(bytes: Uint8Array, e: ZipEntry, fail: (reason: string) => Error, inflate: Inflate | null = nodeInflate() ?? null): Uint8Array {
  const raw = bytes.subarray(e.dataStart, e.dataStart + e.compressedSize);
  let out: Uint8Array;
  if (e.method === 0) out = raw;
  else {
    if (!inflate) throw fail(`member ${JSON.stringify(e.name)} is deflate-compressed, which only the asynchronous form can read here (pass a URL, Response, Blob or File and await the result)`);
    try {
      out = inflate(raw, e.size);
    } catch (err) {
      throw fail(`member ${JSON.stringify(e.name)} does not inflate to its declared ${e.size} bytes (${(err as Error)?.message ?? err})`);
    }
    if (out.length !== e.size) throw fail(`member ${JSON.stringify(e.name)} inflates to ${out.length} bytes, but declares ${e.size}`);
  }
  const crc = crc32(out);
  if (crc !== e.crc) throw fail(`member ${JSON.stringify(e.name)} is corrupt: its CRC-32 is ${hex(crc)}, the archive declares ${hex(e.crc)}`);
  return out;
}

const hex = (v: number) => `0x${v.toString(16).padStart(8, "0")}`;

let table: Uint32Array | null = null;

/** CRC-32 (the zip/PNG polynomial 0xEDB88320) of `b`. */
export function crc32(b: Uint8Array): number {
  if (!table) {
    table = new Uint32Array(256);
    for (let i = 0; i < 256; i++) {
      let c = i;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[i] = c >>> 0;
    }
  }
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = table[(c ^ b[i]) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
