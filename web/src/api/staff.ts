// Calls of the staff console used by the tally page.
import type { ApiClient } from './http'
import type { Consent, List, Project, StaffSignIn, StaffUser } from './types'

export function staffApi(client: ApiClient) {
  return {
    login(username: string, password: string): Promise<StaffSignIn> {
      return client.post('/auth/login', { username, password }, { token: null })
    },
    me(): Promise<StaffUser> {
      return client.get('/auth/me')
    },
    projects(): Promise<List<Project>> {
      return client.get('/projects')
    },
    /** Tally of the plan now put to the vote; 404 no_published_plan. */
    consent(projectId: number): Promise<Consent> {
      return client.get(`/projects/${projectId}/consent`)
    },
  }
}

export type StaffApi = ReturnType<typeof staffApi>
