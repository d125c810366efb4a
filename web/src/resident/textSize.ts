// Large-text mode (大字模式) for elderly residents. Everything is sized in rem,
// so changing the root font size scales the whole app, Vant included (its
// size variables are re-declared in rem in styles/theme.css).
import { ref } from 'vue'
import { readString, writeString } from '../shared/storage'

export const LARGE_TEXT_KEY = 'anju.largeText'

/** Root size as a percentage of the browser's default (16 px on phones). */
export const ROOT_PERCENT = { normal: 100, large: 125 } as const
/** Body text and heading sizes in rem (1rem = the root size above). */
export const BODY_REM = 1.0625
export const H1_REM = 1.6
export const H2_REM = 1.5
export const LINE_HEIGHT = 1.5
/** Minimum touch target of the main actions, px. */
export const TARGET_PX = { normal: 44, large: 60 } as const

export const largeText = ref(readString(LARGE_TEXT_KEY) === '1')

export function applyTextSize(large: boolean, root: HTMLElement = document.documentElement): void {
  const mode = large ? 'large' : 'normal'
  root.classList.toggle('anju-large', large)
  root.dataset.textSize = mode
  root.style.fontSize = `${ROOT_PERCENT[mode]}%`
  root.style.setProperty('--anju-body', `${BODY_REM}rem`)
  root.style.setProperty('--anju-h1', `${H1_REM}rem`)
  root.style.setProperty('--anju-h2', `${H2_REM}rem`)
  root.style.setProperty('--anju-line', String(LINE_HEIGHT))
  root.style.setProperty('--anju-target', `${TARGET_PX[mode]}px`)
}

export function setLargeText(large: boolean): void {
  largeText.value = large
  writeString(LARGE_TEXT_KEY, large ? '1' : '0')
  applyTextSize(large)
}
