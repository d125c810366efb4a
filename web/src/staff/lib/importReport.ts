// A rejected import (422 import_rejected) lists its bad rows beside the error
// envelope: {"error": {…}, "created": 0, "errors": [{"row", "message"}]}.
import type { ImportRowError } from '../../api/staffTypes'

export function rowsOf(body: unknown): ImportRowError[] {
  const errs = (body as { errors?: unknown } | null)?.errors
  if (!Array.isArray(errs)) return []
  return errs
    .filter((r): r is ImportRowError => !!r && typeof r === 'object' && typeof (r as ImportRowError).row === 'number')
    .map((r) => ({ row: r.row, message: String(r.message ?? '') }))
    .sort((a, b) => a.row - b.row)
}
