// <input type="datetime-local"> speaks the browser's local time; deadlines are
// legal times in China, so the console reads and writes them in Beijing time
// (UTC+8, no daylight saving) whatever the computer's zone.
const OFFSET_MS = 8 * 3600_000

/** ISO instant → "YYYY-MM-DDTHH:mm" in Beijing time ('' for nothing). */
export function toBeijingInput(iso: string | null | undefined): string {
  if (!iso) return ''
  const d = new Date(iso)
  if (Number.isNaN(d.getTime())) return ''
  return new Date(d.getTime() + OFFSET_MS).toISOString().slice(0, 16)
}

/** "YYYY-MM-DDTHH:mm" read as Beijing time → ISO instant (null if unreadable). */
export function fromBeijingInput(value: string): string | null {
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value)) return null
  const d = new Date(`${value}:00+08:00`)
  return Number.isNaN(d.getTime()) ? null : d.toISOString()
}
