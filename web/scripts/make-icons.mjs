// Draws the app icons (a white house on blue) as PNG files in public/icons/.
// No image library: shapes are rasterised with 4×4 supersampling and written
// with a minimal PNG encoder. Run `npm run icons` after changing the design.
import { mkdirSync, writeFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { deflateSync } from 'node:zlib'

const here = dirname(fileURLToPath(import.meta.url))
const outDir = resolve(here, '../public/icons')

const BLUE = [10, 93, 194]
const WHITE = [255, 255, 255]

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1
  return c >>> 0
})
function crc32(buf) {
  let c = 0xffffffff
  for (const b of buf) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8)
  return (c ^ 0xffffffff) >>> 0
}
function chunk(type, data) {
  const len = Buffer.alloc(4)
  len.writeUInt32BE(data.length)
  const td = Buffer.concat([Buffer.from(type, 'ascii'), data])
  const crc = Buffer.alloc(4)
  crc.writeUInt32BE(crc32(td))
  return Buffer.concat([len, td, crc])
}
function png(size, rgba) {
  const ihdr = Buffer.alloc(13)
  ihdr.writeUInt32BE(size, 0)
  ihdr.writeUInt32BE(size, 4)
  ihdr[8] = 8 // bit depth
  ihdr[9] = 6 // RGBA
  const raw = Buffer.alloc((size * 4 + 1) * size)
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0
    rgba.copy(raw, y * (size * 4 + 1) + 1, y * size * 4, (y + 1) * size * 4)
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', ihdr),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ])
}

// Shapes in unit coordinates (0..1).
function inRoundedSquare(x, y, r) {
  const cx = Math.min(Math.max(x, r), 1 - r)
  const cy = Math.min(Math.max(y, r), 1 - r)
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r
}
function inTriangle(x, y, [ax, ay], [bx, by], [cx, cy]) {
  const s = (px, py, qx, qy, rx, ry) => (px - rx) * (qy - ry) - (qx - rx) * (py - ry)
  const d1 = s(x, y, ax, ay, bx, by)
  const d2 = s(x, y, bx, by, cx, cy)
  const d3 = s(x, y, cx, cy, ax, ay)
  return !((d1 < 0 || d2 < 0 || d3 < 0) && (d1 > 0 || d2 > 0 || d3 > 0))
}
// The house, inside a box of side `k` centred on the icon.
function house(x, y, k) {
  const u = (x - 0.5) / k + 0.5
  const v = (y - 0.5) / k + 0.5
  const roof = inTriangle(u, v, [0.5, 0.12], [0.08, 0.5], [0.92, 0.5])
  const body = u >= 0.2 && u <= 0.8 && v >= 0.46 && v <= 0.88
  const door = u >= 0.42 && u <= 0.58 && v >= 0.64 && v <= 0.88
  if (door) return 'door'
  return roof || body ? 'house' : null
}

function draw(size, { rounded, scale }) {
  const buf = Buffer.alloc(size * size * 4)
  const S = 4
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0, g = 0, b = 0, a = 0
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const x = (px + (sx + 0.5) / S) / size
          const y = (py + (sy + 0.5) / S) / size
          if (rounded && !inRoundedSquare(x, y, 0.18)) continue
          const h = house(x, y, scale)
          const c = h === 'house' ? WHITE : BLUE
          r += c[0]; g += c[1]; b += c[2]; a += 255
        }
      }
      const n = S * S
      const i = (py * size + px) * 4
      if (a === 0) continue
      buf[i] = Math.round(r / (a / 255))
      buf[i + 1] = Math.round(g / (a / 255))
      buf[i + 2] = Math.round(b / (a / 255))
      buf[i + 3] = Math.round(a / n)
    }
  }
  return png(size, buf)
}

mkdirSync(outDir, { recursive: true })
const files = {
  'icon-192.png': draw(192, { rounded: true, scale: 0.8 }),
  'icon-512.png': draw(512, { rounded: true, scale: 0.8 }),
  // Maskable: full bleed, the house inside the 80 % safe zone.
  'icon-maskable-512.png': draw(512, { rounded: false, scale: 0.6 }),
  'apple-touch-icon.png': draw(180, { rounded: false, scale: 0.75 }),
}
for (const [name, data] of Object.entries(files)) {
  writeFileSync(resolve(outDir, name), data)
  console.log(`${name}: ${data.length} bytes`)
}
