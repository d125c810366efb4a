// The live tally of a project: the first answer from GET …/consent, then every
// `tally` event of GET …/consent/events (fetch + ReadableStream, so the Bearer
// token goes in a header), reconnecting with backoff. If the stream is refused
// for good, it falls back to asking every 10 seconds.
import { onBeforeUnmount, ref, shallowRef, watch } from 'vue'
import { isApiError } from '../../api/http'
import type { Consent } from '../../api/contract'
import { connectEvents, type EventStream, type StreamOptions } from '../../api/sse'
import { api, client, withStaffAuth } from '../session'

export type LiveStatus = 'connecting' | 'live' | 'reconnecting' | 'polling' | 'stopped'

export const POLL_MS = 10_000

export interface LiveTallyOptions {
  /** Passed to connectEvents (tests shorten the delays). */
  stream?: Partial<Pick<StreamOptions, 'initialDelayMs' | 'maxDelayMs' | 'idleTimeoutMs' | 'sleep'>>
}

export function useLiveTally(projectId: () => number, opts: LiveTallyOptions = {}) {
  const consent = shallowRef<Consent | null>(null)
  const noPlan = ref(false)
  const error = ref<unknown>(null)
  const status = ref<LiveStatus>('connecting')
  const updatedAt = ref<string | null>(null)
  const loading = ref(false)
  let stream: EventStream | null = null
  let poller: ReturnType<typeof setInterval> | null = null
  let generation = 0

  function accept(c: Consent) {
    consent.value = c
    noPlan.value = false
    error.value = null
    updatedAt.value = new Date().toISOString()
  }

  async function refresh(): Promise<void> {
    if (loading.value) return
    loading.value = true
    try {
      accept(await withStaffAuth(() => api.consent(projectId())))
    } catch (e) {
      if (isApiError(e) && e.code === 'no_published_plan') {
        noPlan.value = true
        consent.value = null
        error.value = null
      } else {
        error.value = e
      }
    } finally {
      loading.value = false
    }
  }

  function startPolling() {
    if (poller) return
    status.value = 'polling'
    poller = setInterval(() => void refresh(), POLL_MS)
  }

  function stop() {
    generation++
    stream?.close()
    stream = null
    if (poller) clearInterval(poller)
    poller = null
  }

  async function start() {
    stop()
    const mine = generation
    status.value = 'connecting'
    await refresh()
    if (mine !== generation || noPlan.value) return
    stream = connectEvents({
      ...opts.stream,
      open: (signal) =>
        withStaffAuth(() => client.open(api.consentEventsPath(projectId()), { signal, headers: { Accept: 'text/event-stream' } })),
      onEvent: (ev) => {
        if (ev.event !== 'tally') return
        try {
          accept(JSON.parse(ev.data) as Consent)
        } catch {
          /* a broken event: the next one will do */
        }
      },
      onStatus: (s) => {
        if (mine !== generation) return
        if (s === 'live' || s === 'reconnecting' || s === 'connecting') status.value = s
      },
      onFatal: (e) => {
        if (mine !== generation) return
        if (isApiError(e) && e.status === 401) {
          status.value = 'stopped'
          return
        }
        // The events route is not there (an older server) or refused: ask every 10 s.
        startPolling()
      },
    })
  }

  watch(projectId, () => void start(), { immediate: true })
  onBeforeUnmount(stop)

  return { consent, noPlan, error, status, updatedAt, loading, refresh, restart: start, stop, accept }
}
