// The project a /projects/:id page is about, shared by its tabs.
import { inject, provide, ref, type InjectionKey, type Ref } from 'vue'
import type { Project } from '../api/contract'
import { api, withStaffAuth } from './session'

export interface ProjectContext {
  project: Ref<Project | null>
  error: Ref<unknown>
  reload: () => Promise<void>
}

const KEY: InjectionKey<ProjectContext> = Symbol('project')

export function provideProject(id: () => number): ProjectContext {
  const project = ref<Project | null>(null)
  const error = ref<unknown>(null)
  async function reload() {
    try {
      project.value = await withStaffAuth(() => api.project(id()))
      error.value = null
    } catch (e) {
      error.value = e
    }
  }
  const ctx = { project, error, reload }
  provide(KEY, ctx)
  return ctx
}

export function useProject(): ProjectContext {
  const ctx = inject(KEY, null)
  if (ctx) return ctx
  // A tab mounted on its own (tests): nothing shared.
  return { project: ref(null), error: ref(null), reload: async () => {} }
}
