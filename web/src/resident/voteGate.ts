// What every vote screen needs first: the plan, a draft for this household and
// plan, and whether voting is possible right now.
import { computed, onMounted, ref } from 'vue'
import { ensureDraft } from './draft'
import { session } from './session'
import { ensurePlan, loadReceipt, state, votingStatus } from './store'

export function useVoteGate() {
  const ready = ref(false)
  const status = computed(() => votingStatus(state.plan))
  const canVote = computed(() => status.value === 'open')

  onMounted(async () => {
    await ensurePlan()
    const hh = session.value?.household.id
    if (state.plan && hh !== undefined) {
      ensureDraft(hh, state.plan.id)
      if (!state.receiptLoaded) await loadReceipt()
    }
    ready.value = true
  })

  return { ready, status, canVote }
}
