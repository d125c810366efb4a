// The star score: five named radio buttons in a group named by its label.
import { describe, expect, it } from 'vitest'
import { mount } from '@vue/test-utils'
import { defineComponent, h, ref } from 'vue'
import { createAppI18n } from '../i18n'
import StarRating from './components/StarRating.vue'

function mountStars(props: { readonly?: boolean; optional?: boolean } = {}, start = 0) {
  const score = ref(start)
  const Host = defineComponent({
    setup: () => () =>
      h(StarRating, { label: '工程质量', name: 'quality', ...props, modelValue: score.value, 'onUpdate:modelValue': (v: number) => (score.value = v) }),
  })
  return { wrapper: mount(Host, { global: { plugins: [createAppI18n('zh-CN')] } }), score }
}

describe('StarRating', () => {
  it('is a group named by its label, of five radios named 1 to 5 颗星, with nothing unnamed', () => {
    const { wrapper } = mountStars()
    const group = wrapper.get('fieldset[data-testid=rate-quality]')
    expect(group.get('legend').text()).toBe('工程质量')
    const stars = group.findAll('label')
    expect(stars.map((s) => s.text())).toEqual(['1 颗星', '2 颗星', '3 颗星', '4 颗星', '5 颗星'])
    for (const s of stars) {
      expect(s.find('input[type=radio][name=rate-quality]').exists()).toBe(true)
      expect(s.get('svg').attributes('aria-hidden')).toBe('true')
    }
    expect(group.findAll('img')).toHaveLength(0)
  })

  it('takes a tap on a star, lights the stars up to it and says the score', async () => {
    const { wrapper, score } = mountStars()
    expect(wrapper.get('[data-testid=rate-quality-value]').text()).toBe('还没打分')
    await wrapper.findAll('input[type=radio]')[3]!.setValue(true)
    expect(score.value).toBe(4)
    expect(wrapper.findAll('label.star.on')).toHaveLength(4)
    expect(wrapper.get('[data-testid=rate-quality-value]').text()).toBe('4 颗星')
  })

  it('can be cleared when optional, and is not changeable when read-only', async () => {
    const { wrapper, score } = mountStars({ optional: true }, 3)
    await wrapper.get('[data-testid=rate-quality-clear]').trigger('click')
    expect(score.value).toBe(0)
    const ro = mountStars({ readonly: true }, 2)
    expect(ro.wrapper.get('fieldset').attributes('disabled')).toBeDefined()
    expect(ro.wrapper.find('[data-testid=rate-quality-clear]').exists()).toBe(false)
  })
})
