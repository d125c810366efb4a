// Photos taken on a cheap phone are 3–8 MB each; nine of them over a weak
// connection would take minutes and fill the offline queue. Each is redrawn at
// most 1600 px on its long side as a JPEG before it is kept or sent, which also
// drops its EXIF (location). Where the browser cannot decode it, the original
// goes as it is and the server decides.

export const MAX_SIDE = 1600
const QUALITY = 0.82
/** Files already this small and this narrow are kept as they are. */
const SMALL_BYTES = 600 * 1024

function fit(w: number, h: number, max: number): { w: number; h: number } {
  const s = Math.min(1, max / Math.max(w, h))
  return { w: Math.max(1, Math.round(w * s)), h: Math.max(1, Math.round(h * s)) }
}

function toBlob(canvas: HTMLCanvasElement): Promise<Blob | null> {
  return new Promise((resolve) => {
    try {
      canvas.toBlob((b) => resolve(b), 'image/jpeg', QUALITY)
    } catch {
      resolve(null)
    }
  })
}

/** The photo to keep and send: smaller when that helps, else the original. */
export async function preparePhoto(file: File): Promise<Blob> {
  if (typeof createImageBitmap !== 'function' || typeof document === 'undefined') return file
  let bitmap: ImageBitmap
  try {
    bitmap = await createImageBitmap(file)
  } catch {
    return file
  }
  try {
    const small = file.size <= SMALL_BYTES && Math.max(bitmap.width, bitmap.height) <= MAX_SIDE
    if (small && /^image\/(jpeg|png)$/.test(file.type)) return file
    const { w, h } = fit(bitmap.width, bitmap.height, MAX_SIDE)
    const canvas = document.createElement('canvas')
    canvas.width = w
    canvas.height = h
    const ctx = canvas.getContext('2d')
    if (!ctx) return file
    ctx.drawImage(bitmap, 0, 0, w, h)
    const out = await toBlob(canvas)
    if (!out || (out.size >= file.size && /^image\/(jpeg|png)$/.test(file.type))) return file
    const name = (file.name || 'photo').replace(/\.[^.]*$/, '') + '.jpg'
    return typeof File === 'function' ? new File([out], name, { type: 'image/jpeg' }) : out
  } finally {
    bitmap.close?.()
  }
}
