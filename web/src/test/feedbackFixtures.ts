// Complaints, progress posts, the project and ratings shaped like the API's
// answers in docs/API.md (issue 4).
import type { Complaint, MyProject, ProgressUpdate, Rating } from '../api/contract'
import { resetFeedback } from '../resident/feedback'
import { setComplaintStore } from '../resident/complaintOutbox'
import { memoryStore } from '../resident/complaintQueue'

const future = (days: number) => new Date(Date.now() + days * 86400_000).toISOString()
const past = (days: number) => new Date(Date.now() - days * 86400_000).toISOString()

export function complaint(over: Partial<Complaint> = {}): Complaint {
  return {
    id: 12,
    project_id: 2,
    category: 'quality',
    catalog_code: '01',
    catalog_name: '屋面防水',
    description: '顶楼卧室天花板漏水，下雨就滴。',
    building_id: 3,
    building_name: '1号楼',
    entrance: '2',
    floor: '6',
    status: 'submitted',
    open: true,
    deadline: future(1),
    overdue: false,
    escalation_level: 0,
    auto_close_at: null,
    unit: null,
    warranty: null,
    photos: [{ url: '/api/v1/photos/ph-1' }],
    merged_into: null,
    created_at: past(1),
    updated_at: past(1),
    allowed: [],
    events: [
      { at: past(1), kind: 'status', from: '', to: 'submitted', note: '', actor: '', actor_type: 'household', deadline: future(1) },
    ],
    ...over,
  }
}

/** A complaint staff marked resolved, waiting for the household. */
export function resolved(over: Partial<Complaint> = {}): Complaint {
  return complaint({
    status: 'resolved',
    allowed: ['confirm', 'reopen'],
    auto_close_at: future(7),
    unit: { id: 1, name: '豫建集团', kind: 'contractor' },
    events: [
      { at: past(3), kind: 'status', from: '', to: 'submitted', note: '', actor: '', actor_type: 'household' },
      { at: past(2), kind: 'status', from: 'submitted', to: 'assigned', note: '', actor: '社区 王', actor_type: 'staff', unit: '豫建集团', deadline: future(3) },
      { at: past(1), kind: 'reply', note: '明天上门查看', actor: '社区 王', actor_type: 'staff' },
      { at: past(0.5), kind: 'status', from: 'assigned', to: 'resolved', note: '已重做防水层', actor: '社区 王', actor_type: 'staff' },
    ],
    ...over,
  })
}

export function project(over: Partial<MyProject> = {}): MyProject {
  return { project_id: 2, stage: 'construction', accepted_on: null, handed_over_at: null, rating_open: false, buildings: [], ...over }
}

export function update(over: Partial<ProgressUpdate> = {}): ProgressUpdate {
  return {
    id: 5,
    project_id: 2,
    catalog_code: '01',
    catalog_name: '屋面防水',
    text: '1号楼屋面防水完成，蓄水试验合格。',
    author: '豫建集团',
    photos: [{ url: '/api/v1/photos/pg-1' }, { url: '/api/v1/photos/pg-2' }],
    created_at: past(2),
    ...over,
  }
}

export function rating(over: Partial<Rating> = {}): Rating {
  return {
    project_id: 2,
    overall: 4,
    quality: 5,
    civilised: 3,
    timeliness: 4,
    communication: 4,
    comment: '总体不错',
    items: [{ catalog_code: '01', score: 5 }],
    created_at: past(1),
    updated_at: past(1),
    editable_until: future(29),
    ...over,
  }
}

export const META = {
  statuses: [
    { code: 'submitted', zh: '已提交，待受理', en: 'Submitted, awaiting acknowledgement', open: true },
    { code: 'resolved', zh: '已办结，待确认', en: 'Resolved, awaiting your confirmation', open: true },
    { code: 'rejected', zh: '不予受理', en: 'Rejected', open: false },
  ],
  categories: [{ code: 'quality', zh: '工程质量', en: 'Quality of the work' }],
  unit_kinds: [{ code: 'contractor', zh: '施工单位', en: 'Contractor' }],
  warranty_kinds: [{ code: 'leak', zh: '防水（屋面、卫生间、外墙渗漏）5年', en: 'Leaks: 5 years' }],
}

/** Forgets every piece of feedback state between tests. */
export function resetFeedbackState(): void {
  resetFeedback()
  setComplaintStore(memoryStore())
}
