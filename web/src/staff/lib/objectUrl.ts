// An image that needs the Bearer token (a QR code): fetched as a blob and
// shown through an object URL, released when the component goes away.
import { onBeforeUnmount, ref, watch, type Ref } from 'vue'

export function useObjectUrl(load: () => Promise<Blob> | null, deps: () => unknown = () => null) {
  const url: Ref<string | null> = ref(null)
  const failed = ref(false)
  let current: string | null = null

  function release() {
    if (current) URL.revokeObjectURL(current)
    current = null
  }

  async function refresh() {
    failed.value = false
    const p = load()
    if (!p) {
      release()
      url.value = null
      return
    }
    try {
      const blob = await p
      release()
      current = URL.createObjectURL(blob)
      url.value = current
    } catch {
      failed.value = true
      url.value = null
    }
  }

  watch(deps, () => void refresh(), { immediate: true })
  onBeforeUnmount(release)
  return { url, failed, refresh }
}
