// What the accessibility checks share (issue 11): axe-core with the WCAG 2.2
// A/AA tags, the reflow measure, and the WeChat phone's user agent.
import AxeBuilder from '@axe-core/playwright'

export const WCAG = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa']

export const WECHAT_UA =
  'Mozilla/5.0 (Linux; Android 10; V2031A Build/QP1A.190711.020; wv) AppleWebKit/537.36 (KHTML, like Gecko) ' +
  'Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 MicroMessenger/8.0.37.2380(0x2800253D) WeChat/arm64 Weixin NetType/4G Language/zh_CN'

/** axe's violations on the page, as lines a person can act on. */
export async function violations(page, { impacts = null } = {}) {
  const { violations } = await new AxeBuilder({ page }).withTags(WCAG).analyze()
  return violations
    .filter((v) => !impacts || impacts.includes(v.impact))
    .map((v) => `${v.id} (${v.impact}) ×${v.nodes.length}: ${v.help} — ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`)
}

/** Elements reaching past the screen's edges, and whether the page scrolls sideways. */
export function overflow(page) {
  return page.evaluate(() => {
    const width = document.documentElement.clientWidth
    const past = []
    for (const el of document.querySelectorAll('body *')) {
      const r = el.getBoundingClientRect()
      if (r.width > 0 && r.height > 0 && (r.right > width + 1 || r.left < -1)) {
        past.push(`<${el.tagName.toLowerCase()} class="${el.className}" data-testid="${el.getAttribute('data-testid') ?? ''}"> ${Math.round(r.left)}..${Math.round(r.right)}`)
      }
    }
    return { scrollWidth: document.documentElement.scrollWidth, width, past }
  })
}

