// Large-text mode (大字模式) for elderly residents. Everything is sized in rem,
// so changing the root font size scales the whole app, Vant included (its
// size variables are re-declared in rem in styles/theme.css).
import { computed, ref } from 'vue'
import { readString, writeString } from '../shared/storage'

export const LARGE_TEXT_KEY = 'anju.largeText'

/** Root size as a percentage of the browser's default (16 px on phones). */
export const ROOT_PERCENT = { normal: 100, large: 125 } as const
/** Body text and heading sizes in rem (1rem = the root size above). */
export const BODY_REM = 1.0625
export const H1_REM = 1.6
export const H2_REM = 1.5
export const LINE_HEIGHT = 1.5
/** The smallest heading in rem — h3, fieldset legends, card titles, dialog
 * titles: 30 px at the large root. The CSS sizes such a heading as
 * max(<its own size>, var(--anju-heading-min)), so 0 leaves the normal mode
 * exactly as it was. */
export const HEADING_MIN_REM = { normal: 0, large: 1.5 } as const
/** Line height of buttons and tags (Vant's own 1.2 in the normal mode). */
export const CONTROL_LINE_HEIGHT = { normal: 1.2, large: 1.3 } as const
/** Minimum touch target of the main actions, px. */
export const TARGET_PX = { normal: 44, large: 60 } as const

/** The stored choice: '1' large, '0' normal, null while never chosen. */
const stored = ref<string | null>(readString(LARGE_TEXT_KEY))
export const largeText = computed(() => stored.value === '1')
/** No size chosen yet (first visit): the first screens offer the large text
 * in one tap (TextSizePrompt). Either answer ends the offer for good. */
export const textSizeUnchosen = computed(() => stored.value === null)

export function applyTextSize(large: boolean, root: HTMLElement = document.documentElement): void {
  const mode = large ? 'large' : 'normal'
  root.classList.toggle('anju-large', large)
  root.dataset.textSize = mode
  root.style.fontSize = `${ROOT_PERCENT[mode]}%`
  root.style.setProperty('--anju-body', `${BODY_REM}rem`)
  root.style.setProperty('--anju-h1', `${H1_REM}rem`)
  root.style.setProperty('--anju-h2', `${H2_REM}rem`)
  root.style.setProperty('--anju-heading-min', `${HEADING_MIN_REM[mode]}rem`)
  root.style.setProperty('--anju-line', String(LINE_HEIGHT))
  root.style.setProperty('--anju-control-line', String(CONTROL_LINE_HEIGHT[mode]))
  root.style.setProperty('--anju-target', `${TARGET_PX[mode]}px`)
}

/** Reads the stored choice and applies it (app start). */
export function restoreTextSize(): void {
  stored.value = readString(LARGE_TEXT_KEY)
  applyTextSize(largeText.value)
}

/** Switches the size and remembers the choice (also a "no": normal size). */
export function setLargeText(large: boolean): void {
  stored.value = large ? '1' : '0'
  writeString(LARGE_TEXT_KEY, stored.value)
  applyTextSize(large)
}
