// Draws the app icons (no dependencies): a blue tile with a white clipboard and check.
// Writes public/icons/*.png and icon.svg. Run: node scripts/make-icons.mjs
import { deflateSync } from 'node:zlib'
import { mkdirSync, writeFileSync } from 'node:fs'

const BLUE = [11, 79, 138]
const WHITE = [255, 255, 255]
const GREEN = [31, 157, 85]

function crc32(buf) {
  let c = ~0
  for (const b of buf) {
    c ^= b
    for (let k = 0; k < 8; k++) c = (c >>> 1) ^ (0xedb88320 & -(c & 1))
  }
  return ~c >>> 0
}

function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}

function png(size, pixel) {
  const raw = Buffer.alloc(size * (size * 4 + 1))
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    for (let x = 0; x < size; x++) {
      const [r, g, b, a] = pixel(x / size, y / size)
      const o = y * (size * 4 + 1) + 1 + x * 4
      raw[o] = r
      raw[o + 1] = g
      raw[o + 2] = b
      raw[o + 3] = a
    }
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8
  ihdr[9] = 6
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(raw)), chunk('IEND', Buffer.alloc(0))])
}

function distToSegment(px, py, ax, ay, bx, by) {
  const dx = bx - ax
  const dy = by - ay
  const t = Math.max(0, Math.min(1, ((px - ax) * dx + (py - ay) * dy) / (dx * dx + dy * dy)))
  return Math.hypot(px - (ax + t * dx), py - (ay + t * dy))
}

/** inset: 0 for "any" icons (rounded tile), 0.1 for maskable (full bleed, content in the safe zone). */
function icon(maskable) {
  const s = maskable ? 0.8 : 1
  const c = (v) => 0.5 + (v - 0.5) * s
  return (x, y) => {
    const r = maskable ? 0 : 0.18
    const inTile = maskable || (Math.max(Math.abs(x - 0.5) - (0.5 - r), 0) ** 2 + Math.max(Math.abs(y - 0.5) - (0.5 - r), 0) ** 2 <= r * r)
    if (!inTile) return [0, 0, 0, 0]
    // Clipboard body.
    const inBoard = x > c(0.25) && x < c(0.75) && y > c(0.2) && y < c(0.82)
    const inClip = x > c(0.38) && x < c(0.62) && y > c(0.14) && y < c(0.26)
    const check = distToSegment(x, y, c(0.34), c(0.52), c(0.46), c(0.64)) < 0.045 * s || distToSegment(x, y, c(0.46), c(0.64), c(0.67), c(0.38)) < 0.045 * s
    if (check && inBoard) return [...GREEN, 255]
    if (inClip) return [...BLUE.map((v) => v + 40), 255]
    if (inBoard) return [...WHITE, 255]
    return [...BLUE, 255]
  }
}

const out = new URL('../public/icons/', import.meta.url)
mkdirSync(out, { recursive: true })
writeFileSync(new URL('icon-192.png', out), png(192, icon(false)))
writeFileSync(new URL('icon-512.png', out), png(512, icon(false)))
writeFileSync(new URL('icon-maskable-512.png', out), png(512, icon(true)))
writeFileSync(new URL('apple-touch-icon.png', out), png(180, icon(true)))
writeFileSync(
  new URL('icon.svg', out),
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 100 100"><rect width="100" height="100" rx="18" fill="#0b4f8a"/><rect x="25" y="20" width="50" height="62" rx="4" fill="#fff"/><rect x="38" y="14" width="24" height="12" rx="3" fill="#3377b2"/><path d="M34 52 L46 64 L67 38" fill="none" stroke="#1f9d55" stroke-width="9" stroke-linecap="round" stroke-linejoin="round"/></svg>\n`,
)
console.log('icons written')
