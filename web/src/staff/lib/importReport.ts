// A rejected import (422 import_rejected) lists its bad rows beside the error
// envelope (ImportRejected: {"error": {…}, "created": 0, "errors": [{"row", "message"}]}).
import type { ImportRejected, ImportRowError } from '../../api/contract'

/** The bad rows of an ApiError's body, in row order; none if it is not that answer. */
export function rowsOf(body: unknown): ImportRowError[] {
  const errs: unknown = (body as Partial<ImportRejected> | null)?.errors
  if (!Array.isArray(errs)) return []
  return errs
    .filter((r): r is ImportRowError => !!r && typeof r === 'object' && typeof (r as ImportRowError).row === 'number')
    .map((r) => ({ row: r.row, message: String(r.message ?? '') }))
    .sort((a, b) => a.row - b.row)
}
