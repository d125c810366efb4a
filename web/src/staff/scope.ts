// What the signed-in staff member may see (角色与范围): the whole city, one
// district or one community, with the name shown in the header.
import { computed, effectScope, ref, watch } from 'vue'
import { api, staffSession, withStaffAuth } from './session'

const scopeName = ref('')

async function loadName(): Promise<void> {
  const u = staffSession.value?.user
  scopeName.value = ''
  if (!u) return
  try {
    if (u.role === 'committee' && u.community_id) scopeName.value = (await withStaffAuth(() => api.community(u.community_id!))).name
    else if (u.role === 'district' && u.district_id) scopeName.value = (await withStaffAuth(() => api.district(u.district_id!))).name
  } catch {
    /* the header falls back to the role alone */
  }
}

let watching = false
export function useScope() {
  if (!watching) {
    watching = true
    // Lives as long as the page, not as the component that asked first.
    effectScope(true).run(() => watch(() => staffSession.value?.token, () => void loadName(), { immediate: true }))
  }
  const role = computed(() => staffSession.value?.user.role ?? null)
  return { role, scopeName }
}
