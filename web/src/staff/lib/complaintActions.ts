// What staff may do with a complaint, read from the `allowed` list the API
// sends, and what each action needs before it is sent.
import type { ComplaintTransition, StaffComplaint } from '../../api/contract'

export type ComplaintAction = 'assigned' | 'in_progress' | 'resolved' | 'rejected' | 'merged' | 'reply'

/** Staff transitions in the order the buttons show them. */
export const TRANSITIONS: readonly ComplaintAction[] = ['assigned', 'in_progress', 'resolved', 'rejected', 'merged']

export const NOTE_MAX = 1000

/** The buttons for this complaint: the transitions the API allows now, then
 * a reply, which changes no status and the API takes at any time. */
export function actionsFor(c: Pick<StaffComplaint, 'allowed'>): ComplaintAction[] {
  const allowed = new Set(c.allowed ?? [])
  return [...TRANSITIONS.filter((a) => allowed.has(a)), 'reply']
}

export interface ActionInput {
  note: string
  unitId: number | null
  into: number | null
}

/** Keys (under staff.complaints.need) of what is missing; empty when it can be sent. */
export function actionProblems(action: ComplaintAction, input: ActionInput): string[] {
  const out: string[] = []
  const note = input.note.trim()
  if (action === 'assigned' && input.unitId === null) out.push('unit')
  if (action === 'merged' && input.into === null) out.push('into')
  if (action === 'resolved' && !note) out.push('resolveNote')
  if (action === 'rejected' && !note) out.push('rejectNote')
  if (action === 'reply' && !note) out.push('replyNote')
  if (note.length > NOTE_MAX) out.push('noteTooLong')
  return out
}

/** The body of POST /complaints/{id}/transitions. */
export function transitionBody(action: Exclude<ComplaintAction, 'reply'>, input: ActionInput): ComplaintTransition {
  const body: ComplaintTransition = { to: action }
  const note = input.note.trim()
  if (note) body.note = note
  if (action === 'assigned' && input.unitId !== null) body.unit_id = input.unitId
  if (action === 'merged' && input.into !== null) body.into = input.into
  return body
}

/** Element Plus tag colour of a status. */
export function statusTagType(status: string): 'primary' | 'success' | 'info' | 'warning' | 'danger' {
  switch (status) {
    case 'submitted':
      return 'warning'
    case 'reopened':
      return 'danger'
    case 'assigned':
    case 'in_progress':
      return 'primary'
    case 'resolved':
      return 'success'
    default:
      return 'info'
  }
}
