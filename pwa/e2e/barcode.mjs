// Test images of barcodes, drawn here (EAN-13, as retail items carry), so the camera
// decoder can be fed a real picture of a code.
import { deflateSync } from 'node:zlib'

/** The EAN-13 check digit of 12 digits. */
export function ean13(d12) {
  const sum = [...d12].reduce((s, ch, i) => s + Number(ch) * (i % 2 ? 3 : 1), 0)
  return d12 + String((10 - (sum % 10)) % 10)
}

const L = ['0001101', '0011001', '0010011', '0111101', '0100011', '0110001', '0101111', '0111011', '0110111', '0001011']
const G = ['0100111', '0110011', '0011011', '0100001', '0011101', '0111001', '0000101', '0010001', '0001001', '0010111']
const R = ['1110010', '1100110', '1101100', '1000010', '1011100', '1001110', '1010000', '1000100', '1001000', '1110100']
const PARITY = ['LLLLLL', 'LLGLGG', 'LLGGLG', 'LLGGGL', 'LGLLGG', 'LGGLLG', 'LGGGLL', 'LGLGLG', 'LGLGGL', 'LGGLGL']

function modules(code) {
  const d = [...code].map(Number)
  let bits = '101'
  for (let i = 1; i <= 6; i++) bits += (PARITY[d[0]][i - 1] === 'L' ? L : G)[d[i]]
  bits += '01010'
  for (let i = 7; i <= 12; i++) bits += R[d[i]]
  return bits + '101'
}

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

/** A grey-scale PNG of an EAN-13 code with quiet zones. */
export function ean13Png(code, { scale = 4, height = 160 } = {}) {
  const bits = modules(code)
  const quiet = 12
  const width = (bits.length + quiet * 2) * scale
  const rows = []
  for (let y = 0; y < height; y++) {
    const row = Buffer.alloc(width + 1, 255)
    row[0] = 0
    for (let m = 0; m < bits.length; m++) {
      if (bits[m] === '1') row.fill(0, 1 + (quiet + m) * scale, 1 + (quiet + m + 1) * scale)
    }
    rows.push(row)
  }
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(width, 0)
  ihdr.writeUInt32BE(height, 4)
  ihdr[8] = 8
  ihdr[9] = 0
  return Buffer.concat([Buffer.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk('IHDR', ihdr), chunk('IDAT', deflateSync(Buffer.concat(rows))), chunk('IEND', Buffer.alloc(0))])
}

/**
 * A Y4M video (what Chromium's fake camera plays) showing the EAN-13 code on a white
 * page: grey-scale frames (4:2:0 chroma at 128).
 */
export function ean13Y4m(code, { width = 640, height = 480, frames = 10 } = {}) {
  const bits = modules(code)
  const scale = Math.floor((width * 0.8) / (bits.length + 24))
  const left = Math.floor((width - bits.length * scale) / 2)
  const top = Math.floor(height * 0.3)
  const bottom = Math.floor(height * 0.7)
  const y = Buffer.alloc(width * height, 235)
  for (let row = top; row < bottom; row++) {
    for (let m = 0; m < bits.length; m++) {
      if (bits[m] === '1') y.fill(16, row * width + left + m * scale, row * width + left + (m + 1) * scale)
    }
  }
  const chroma = Buffer.alloc((width / 2) * (height / 2) * 2, 128)
  const frame = Buffer.concat([Buffer.from('FRAME\n'), y, chroma])
  return Buffer.concat([Buffer.from(`YUV4MPEG2 W${width} H${height} F10:1 Ip A1:1 C420jpeg\n`), ...Array.from({ length: frames }, () => frame)])
}
