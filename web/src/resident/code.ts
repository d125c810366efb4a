// Household codes as people type them: lower case, spaces, hyphens, and the
// full-width letters and digits a Chinese keyboard often produces.

export const CODE_ALPHABET = '23456789ABCDEFGHJKMNPQRSTUVWXYZ'
export const CODE_LENGTH = 8

export function normalizeCode(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/[\s\u3000_\-\u2010-\u2015\u2212\u30FC]/g, '')
    .toUpperCase()
}

export type CodeProblem = { kind: 'length'; length: number } | { kind: 'chars' } | null

export function checkCode(normalized: string): CodeProblem {
  if (normalized.length !== CODE_LENGTH) return { kind: 'length', length: normalized.length }
  for (const ch of normalized) if (!CODE_ALPHABET.includes(ch)) return { kind: 'chars' }
  return null
}

export function normalizeRoom(input: string): string {
  return input
    .replace(/[\uFF01-\uFF5E]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xfee0))
    .replace(/\u3000/g, ' ')
    .trim()
}
