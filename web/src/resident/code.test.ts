import { describe, expect, it } from 'vitest'
import { checkCode, normalizeCode } from './code'

describe('household code', () => {
  it('ignores case, spaces and hyphens, and reads full-width characters', () => {
    expect(normalizeCode(' ab23-cd45 ')).toBe('AB23CD45')
    expect(normalizeCode('ab23 cd45')).toBe('AB23CD45')
    expect(normalizeCode('ＡＢ２３－ｃｄ４５')).toBe('AB23CD45')
  })

  it('checks length and the alphabet', () => {
    expect(checkCode('AB23CD45')).toBeNull()
    expect(checkCode('AB23CD4')).toEqual({ kind: 'length', length: 7 })
    expect(checkCode('AB23CD40')).toEqual({ kind: 'chars' })
    expect(checkCode('OB23CD45')).toEqual({ kind: 'chars' })
  })
})
