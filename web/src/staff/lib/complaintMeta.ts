// Labels of complaint statuses, categories, unit kinds and warranty kinds,
// from GET /complaints/meta (so both apps say the same), loaded once per page;
// the console's own catalogue answers until it arrives or if it fails.
import { computed, ref } from 'vue'
import { useI18n } from 'vue-i18n'
import type { ComplaintMeta, MetaLabel } from '../../api/contract'
import { api } from '../session'

const meta = ref<ComplaintMeta | null>(null)
let loading: Promise<void> | null = null

function load(): void {
  if (meta.value || loading) return
  loading = api
    .complaintMeta()
    .then((m) => {
      meta.value = m
    })
    .catch(() => {
      /* the console's own labels stand in */
    })
    .finally(() => {
      loading = null
    })
}

/** Tests start from nothing. */
export function resetComplaintMeta(): void {
  meta.value = null
  loading = null
}

type Group = 'statuses' | 'categories' | 'unit_kinds' | 'warranty_kinds' | 'visit_methods' | 'dimensions'
const FALLBACK: Record<Group, string> = {
  statuses: 'staff.complaints.status',
  categories: 'staff.complaints.category',
  unit_kinds: 'staff.units.kinds',
  warranty_kinds: 'staff.complaints.warrantyKinds',
  visit_methods: 'staff.visits.methods',
  dimensions: 'staff.satisfaction.dimensions',
}

function entryLabel(e: MetaLabel, en: boolean): string {
  return ((en ? e.en : e.zh).trim() || (en ? e.zh : e.en)).trim()
}

export function useComplaintLabels() {
  const { t, te, locale } = useI18n()
  load()
  const en = computed(() => locale.value === 'en')
  function label(group: Group, code: string | null | undefined): string {
    if (!code) return ''
    const e = meta.value?.[group]?.find((x) => x.code === code)
    const fromServer = e ? entryLabel(e, en.value) : ''
    if (fromServer) return fromServer
    const key = `${FALLBACK[group]}.${code}`
    return te(key) ? t(key) : code
  }
  /** The codes of a group, the server's list first, the console's own otherwise. */
  function codes(group: Group, own: readonly string[]): string[] {
    const list = meta.value?.[group]
    return list && list.length ? list.map((x) => x.code) : [...own]
  }
  return {
    meta,
    codes,
    status: (c: string | null | undefined) => label('statuses', c),
    category: (c: string | null | undefined) => label('categories', c),
    unitKind: (c: string | null | undefined) => label('unit_kinds', c),
    warrantyKind: (c: string | null | undefined) => label('warranty_kinds', c),
    visitMethod: (c: string | null | undefined) => label('visit_methods', c),
    dimension: (c: string | null | undefined) => label('dimensions', c),
  }
}
