// @ts-check
/**
 * `node scripts/make-icons.mjs`: draws the app icon into resources/ from one description of its
 * shapes: icon.svg (the design), icon.png (1024 px: electron-builder makes the macOS .icns and
 * the Windows .ico from it) and icons/NxN.png (Linux). Pure JavaScript, nothing downloaded: the
 * shapes are rasterised here, sampling each pixel 16 to 64 times, and written by a small PNG
 * encoder.
 *
 * The icon: "</>" in white on a rounded square, blue to violet.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const RESOURCES = fileURLToPath(new URL('../resources/', import.meta.url));

// Shapes, in a 1024 × 1024 space.
const CARD = { x: 100, y: 100, size: 824, radius: 184 };
const FROM = [0x3b, 0x82, 0xf6]; // top left (#3b82f6)
const TO = [0x7c, 0x3a, 0xed]; // bottom right (#7c3aed)
/** Polylines of the glyph "</>", drawn with round caps and joins. */
const GLYPH = [
  [
    [400, 340],
    [250, 512],
    [400, 684],
  ],
  [
    [566, 300],
    [458, 724],
  ],
  [
    [624, 340],
    [774, 512],
    [624, 684],
  ],
];
const STROKE = 64;

const hex = (/** @type {number[]} */ rgb) => `#${rgb.map((c) => c.toString(16).padStart(2, '0')).join('')}`;
const points = (/** @type {number[][]} */ line) => line.map(([x, y]) => `${x} ${y}`).join(' ');

function iconSvg() {
  const { x, y, size, radius } = CARD;
  return `<svg xmlns="http://www.w3.org/2000/svg" width="1024" height="1024" viewBox="0 0 1024 1024">
  <defs>
    <linearGradient id="card" x1="${x}" y1="${y}" x2="${x + size}" y2="${y + size}" gradientUnits="userSpaceOnUse">
      <stop offset="0" stop-color="${hex(FROM)}"/>
      <stop offset="1" stop-color="${hex(TO)}"/>
    </linearGradient>
  </defs>
  <rect x="${x}" y="${y}" width="${size}" height="${size}" rx="${radius}" fill="url(#card)"/>
  <g fill="none" stroke="#fff" stroke-width="${STROKE}" stroke-linecap="round" stroke-linejoin="round">
${GLYPH.map((line) => `    <polyline points="${points(line)}"/>`).join('\n')}
  </g>
</svg>
`;
}

/** Distance from (px, py) to the segment a–b. */
function segmentDistance(
  /** @type {number} */ px,
  /** @type {number} */ py,
  /** @type {number[]} */ a,
  /** @type {number[]} */ b,
) {
  const [ax, ay] = /** @type {[number, number]} */ (a);
  const [bx, by] = /** @type {[number, number]} */ (b);
  const dx = bx - ax;
  const dy = by - ay;
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)));
  return Math.hypot(px - ax - t * dx, py - ay - t * dy);
}

function inGlyph(/** @type {number} */ x, /** @type {number} */ y) {
  for (const line of GLYPH) {
    for (let i = 1; i < line.length; i++) {
      if (
        segmentDistance(x, y, /** @type {number[]} */ (line[i - 1]), /** @type {number[]} */ (line[i])) <=
        STROKE / 2
      ) {
        return true;
      }
    }
  }
  return false;
}

function inCard(/** @type {number} */ x, /** @type {number} */ y) {
  const half = CARD.size / 2;
  const cx = Math.abs(x - CARD.x - half);
  const cy = Math.abs(y - CARD.y - half);
  if (cx > half || cy > half) return false;
  const dx = Math.max(cx - (half - CARD.radius), 0);
  const dy = Math.max(cy - (half - CARD.radius), 0);
  return dx * dx + dy * dy <= CARD.radius * CARD.radius;
}

/**
 * Rasterises a view of the 1024 space into RGBA pixels. `sample(x, y)` gives the colour and
 * opacity at a point, or undefined where nothing is drawn.
 * @param {number} size pixels per side
 * @param {{ x: number, y: number, size: number }} view the square of the 1024 space shown
 * @param {(x: number, y: number) => number[] | undefined} sample
 */
function rasterise(size, view, sample) {
  const samples = size >= 512 ? 4 : 8;
  const pixels = Buffer.alloc(size * size * 4);
  const scale = view.size / size;
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let covered = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const color = sample(
            view.x + (px + (sx + 0.5) / samples) * scale,
            view.y + (py + (sy + 0.5) / samples) * scale,
          );
          if (!color) continue;
          r += /** @type {number} */ (color[0]);
          g += /** @type {number} */ (color[1]);
          b += /** @type {number} */ (color[2]);
          covered++;
        }
      }
      const offset = (py * size + px) * 4;
      if (covered === 0) continue;
      pixels[offset] = Math.round(r / covered);
      pixels[offset + 1] = Math.round(g / covered);
      pixels[offset + 2] = Math.round(b / covered);
      pixels[offset + 3] = Math.round((255 * covered) / (samples * samples));
    }
  }
  return pixels;
}

const WHITE = [255, 255, 255];

function iconPixel(/** @type {number} */ x, /** @type {number} */ y) {
  if (!inCard(x, y)) return undefined;
  if (inGlyph(x, y)) return WHITE;
  const t = Math.max(0, Math.min(1, (x - CARD.x + (y - CARD.y)) / (2 * CARD.size)));
  return FROM.map((from, i) => from + /** @type {number} */ (TO[i] - from) * t);
}

// PNG: signature, IHDR, one IDAT of the filtered rows, IEND; each chunk with its CRC-32.
const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(/** @type {Buffer} */ bytes) {
  let c = 0xffffffff;
  for (const byte of bytes) c = /** @type {number} */ (CRC_TABLE[(c ^ byte) & 0xff]) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(/** @type {string} */ type, /** @type {Buffer} */ data) {
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}
/** @param {number} size @param {Buffer} rgba */
export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    const row = y * (size * 4 + 1);
    rows[row] = 1; // "sub" filter: each byte minus the one to its left compresses flat areas well
    for (let i = 0; i < size * 4; i++) {
      const left = i >= 4 ? /** @type {number} */ (rgba[y * size * 4 + i - 4]) : 0;
      rows[row + 1 + i] = /** @type {number} */ (rgba[y * size * 4 + i] - left) & 0xff;
    }
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

function write(/** @type {string} */ name, /** @type {string | Buffer} */ content) {
  const file = path.join(RESOURCES, name);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, content);
  console.log(`wrote resources/${name}`);
}

const FULL = { x: 0, y: 0, size: 1024 };
write('icon.svg', iconSvg());
write('icon.png', encodePng(1024, rasterise(1024, FULL, iconPixel)));
for (const size of [16, 24, 32, 48, 64, 128, 256, 512]) {
  write(`icons/${size}x${size}.png`, encodePng(size, rasterise(size, FULL, iconPixel)));
}
