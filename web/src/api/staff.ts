// Calls of the staff console (docs/API.md "Staff" and "The committee's console").
import type { ApiClient } from './http'
import type {
  AcceptanceInput,
  AdjustmentInput,
  AnnualPlan,
  Attachment,
  BallotVerify,
  Body,
  Building,
  Community,
  CommunityInput,
  ComplaintMeta,
  ComplaintPage,
  ComplaintTransition,
  Consent,
  CreatedHousehold,
  Dashboard,
  District,
  DistrictTarget,
  Household,
  HouseholdInput,
  ImportResult,
  IssuedApiKey,
  LedgerInput,
  NeedsResult,
  NewStaffInput,
  Plan,
  PlanAdjustment,
  PlanChanges,
  PlanInput,
  ProgressPost,
  Project,
  ProjectInput,
  ProjectSatisfaction,
  ProjectSettings,
  Receipt,
  Rectification,
  ResponsibleUnit,
  StaffAccount,
  StaffComplaint,
  StaffNotice,
  StaffObjection,
  StaffSignIn,
  StaffUser,
  StartCriteria,
  TargetInput,
  TargetProgress,
  UnitInput,
  Visit,
  VisitInput,
} from './contract'
import type { Choice } from './vocabulary'

// The multipart bodies' fields as the console passes them (the server reads
// each as text; see the route's multipart/form-data schema in openapi.json).

/** POST /plans/{id}/paper-ballots. */
export interface PaperBallotInput {
  household_id: number
  plan_choice: Choice
  management_choice: Choice
  photo: Blob
  /** The receipt the form last saw (null: it saw none), so a vote recorded
   * meanwhile is never overwritten unseen; undefined leaves the field out. */
  replaces?: number | null
}

/** POST /projects/{id}/updates. */
export interface ProgressInput {
  text: string
  catalog_code?: string
  author?: string
  photos: Blob[]
}

/** PUT /projects/{id}/start-criteria/{n}. */
export interface CriterionInput {
  confirmed_on: string
  person: string
  note?: string
  evidence: Blob
}

const id = (n: number) => encodeURIComponent(String(n))

export function staffApi(client: ApiClient) {
  return {
    login(username: string, password: string): Promise<StaffSignIn> {
      return client.post('/auth/login', { username, password }, { token: null })
    },
    me(): Promise<StaffUser> {
      return client.get('/auth/me')
    },
    /** Every other session ends; the answer carries this session's fresh token. 422 wrong_password. */
    changePassword(currentPassword: string, newPassword: string): Promise<StaffSignIn> {
      return client.put('/auth/password', { current_password: currentPassword, new_password: newPassword })
    },

    // ---- staff accounts (city: all; district: its committee accounts) ----
    staffAccounts(): Promise<Body<'/api/v1/staff-users'>> {
      return client.get('/staff-users')
    },
    createStaffAccount(input: NewStaffInput): Promise<StaffUser> {
      return client.post('/staff-users', input)
    },
    /** Ends the account's sessions and open live tallies. */
    disableStaffAccount(accountId: number): Promise<StaffAccount> {
      return client.post(`/staff-users/${id(accountId)}/disable`, {})
    },
    enableStaffAccount(accountId: number): Promise<StaffAccount> {
      return client.post(`/staff-users/${id(accountId)}/enable`, {})
    },
    resetStaffPassword(accountId: number, password: string): Promise<StaffAccount> {
      return client.post(`/staff-users/${id(accountId)}/password`, { password })
    },
    staffAccountHistory(accountId: number): Promise<Body<'/api/v1/staff-users/{id}/audit'>> {
      return client.get(`/staff-users/${id(accountId)}/audit`)
    },

    // ---- registry ----
    districts(): Promise<Body<'/api/v1/districts'>> {
      return client.get('/districts')
    },
    district(districtId: number): Promise<District> {
      return client.get(`/districts/${id(districtId)}`)
    },
    createDistrict(name: string): Promise<District> {
      return client.post('/districts', { name })
    },
    communities(districtId?: number): Promise<Body<'/api/v1/communities'>> {
      return client.get(districtId === undefined ? '/communities' : `/communities?district_id=${id(districtId)}`)
    },
    community(communityId: number): Promise<Community> {
      return client.get(`/communities/${id(communityId)}`)
    },
    createCommunity(input: CommunityInput): Promise<Community> {
      return client.post('/communities', input)
    },
    buildings(communityId: number): Promise<Body<'/api/v1/communities/{id}/buildings'>> {
      return client.get(`/communities/${id(communityId)}/buildings`)
    },
    building(buildingId: number): Promise<Building> {
      return client.get(`/buildings/${id(buildingId)}`)
    },
    createBuilding(communityId: number, name: string): Promise<Building> {
      return client.post(`/communities/${id(communityId)}/buildings`, { name })
    },
    /** New token: the old QR code answers 410 from now on. */
    rotateToken(buildingId: number): Promise<Building> {
      return client.post(`/buildings/${id(buildingId)}/token:rotate`, {})
    },
    buildingQr(buildingId: number): Promise<Blob> {
      return client.blob(`/buildings/${id(buildingId)}/qr.png`)
    },
    communityQr(communityId: number): Promise<Blob> {
      return client.blob(`/communities/${id(communityId)}/qr.png`)
    },
    households(buildingId: number): Promise<Body<'/api/v1/buildings/{id}/households'>> {
      return client.get(`/buildings/${id(buildingId)}/households`)
    },
    /** Owner's name and phone in clear; the server writes the read to the audit log. */
    household(householdId: number): Promise<Household> {
      return client.get(`/households/${id(householdId)}`)
    },
    createHousehold(buildingId: number, input: HouseholdInput): Promise<CreatedHousehold> {
      return client.post(`/buildings/${id(buildingId)}/households`, input)
    },
    updateHousehold(householdId: number, input: HouseholdInput): Promise<Household> {
      return client.put(`/households/${id(householdId)}`, input)
    },
    /** .xlsx or .csv; 422 import_rejected carries {created: 0, errors: [{row, message}]}. */
    importHouseholds(buildingId: number, file: File): Promise<ImportResult> {
      const form = new FormData()
      form.append('file', file, file.name)
      return client.upload(`/buildings/${id(buildingId)}/households:import`, form)
    },
    /** New codes for slips; the old codes and their sessions stop working. */
    issueCodes(buildingId: number, householdIds: number[] = []): Promise<Body<'/api/v1/buildings/{id}/codes:issue', 'post'>> {
      return client.post(`/buildings/${id(buildingId)}/codes:issue`, { household_ids: householdIds })
    },
    /** Lifts the room's sign-in lock and short pauses (audited); sessions are untouched. */
    unlockHousehold(householdId: number): Promise<Household> {
      return client.post(`/households/${id(householdId)}/unlock`, {})
    },
    /** Rooms of the caller's area whose sign-in is paused, with who caused it. */
    signInLockouts(filter: { districtId?: number; communityId?: number } = {}): Promise<Body<'/api/v1/signin-lockouts'>> {
      const q = new URLSearchParams()
      if (filter.districtId !== undefined) q.set('district_id', String(filter.districtId))
      if (filter.communityId !== undefined) q.set('community_id', String(filter.communityId))
      const query = q.toString()
      return client.get(query ? `/signin-lockouts?${query}` : '/signin-lockouts')
    },

    // ---- projects ----
    /** `query` is a URLSearchParams string of the filters (lib/projectFilters). */
    projects(query = ''): Promise<Body<'/api/v1/projects'>> {
      return client.get(query ? `/projects?${query}` : '/projects')
    },
    project(projectId: number): Promise<Project> {
      return client.get(`/projects/${id(projectId)}`)
    },
    createProject(communityId: number, input: ProjectInput): Promise<Project> {
      return client.post(`/communities/${id(communityId)}/projects`, input)
    },
    /** 409 settings_locked once the first plan is published. */
    updateSettings(projectId: number, input: ProjectSettings): Promise<Project> {
      return client.put(`/projects/${id(projectId)}/settings`, input)
    },
    needs(projectId: number): Promise<NeedsResult> {
      return client.get(`/projects/${id(projectId)}/needs`)
    },
    audit(projectId: number): Promise<Body<'/api/v1/projects/{id}/audit'>> {
      return client.get(`/projects/${id(projectId)}/audit`)
    },

    // ---- plans ----
    catalog(): Promise<Body<'/api/v1/catalog'>> {
      return client.get('/catalog', { token: null })
    },
    plans(projectId: number): Promise<Body<'/api/v1/projects/{id}/plans'>> {
      return client.get(`/projects/${id(projectId)}/plans`)
    },
    plan(planId: number): Promise<Plan> {
      return client.get(`/plans/${id(planId)}`)
    },
    createPlan(projectId: number, input: PlanInput): Promise<Plan> {
      return client.post(`/projects/${id(projectId)}/plans`, input)
    },
    updatePlan(planId: number, input: PlanInput): Promise<Plan> {
      return client.put(`/plans/${id(planId)}`, input)
    },
    publishPlan(planId: number): Promise<Plan> {
      return client.post(`/plans/${id(planId)}/publish`, {})
    },
    planChanges(planId: number): Promise<PlanChanges> {
      return client.get(`/plans/${id(planId)}/changes`)
    },
    addAttachment(planId: number, file: File, title: string): Promise<Attachment> {
      const form = new FormData()
      form.append('file', file, file.name)
      form.append('title', title)
      return client.upload(`/plans/${id(planId)}/attachments`, form)
    },
    /** An attachment's file for staff, drafts included. */
    attachmentFile(planId: number, attachmentId: number): Promise<Blob> {
      return client.blob(`/plans/${id(planId)}/attachments/${id(attachmentId)}`)
    },
    deleteAttachment(planId: number, attachmentId: number): Promise<unknown> {
      return client.delete(`/plans/${id(planId)}/attachments/${id(attachmentId)}`)
    },

    // ---- the vote ----
    /** Tally of the plan now put to the vote; 404 no_published_plan. */
    consent(projectId: number): Promise<Consent> {
      return client.get(`/projects/${id(projectId)}/consent`)
    },
    consentEventsPath(projectId: number): string {
      return `/projects/${id(projectId)}/consent/events`
    },
    householdBallots(householdId: number): Promise<Body<'/api/v1/households/{id}/ballots'>> {
      return client.get(`/households/${id(householdId)}/ballots`)
    },
    /** 409 stale_ballot when a vote was recorded since `replaces`. */
    paperBallot(planId: number, input: PaperBallotInput): Promise<Receipt> {
      const form = new FormData()
      form.append('household_id', String(input.household_id))
      form.append('plan_choice', input.plan_choice)
      form.append('management_choice', input.management_choice)
      form.append('photo', input.photo, input.photo instanceof File ? input.photo.name : 'ballot.jpg')
      // "null": the form saw no vote, so one cast meanwhile answers 409 stale_ballot.
      if (input.replaces !== undefined) form.append('replaces', input.replaces === null ? 'null' : String(input.replaces))
      return client.upload(`/plans/${id(planId)}/paper-ballots`, form)
    },
    closeVote(projectId: number): Promise<Consent> {
      return client.post(`/projects/${id(projectId)}/consent/close`, {})
    },
    verifyBallots(planId: number): Promise<BallotVerify> {
      return client.get(`/plans/${id(planId)}/ballots/verify`)
    },
    rollXlsx(projectId: number): Promise<Blob> {
      return client.blob(`/projects/${id(projectId)}/consent/roll.xlsx`)
    },

    // ---- after the vote ----
    notices(projectId: number): Promise<Body<'/api/v1/projects/{id}/consent/notices'>> {
      return client.get(`/projects/${id(projectId)}/consent/notices`)
    },
    /** 409 objections_open / objection_period_running for a final notice too early. */
    publishNotice(projectId: number, kind: 'preliminary' | 'final'): Promise<StaffNotice> {
      return client.post(`/projects/${id(projectId)}/consent/notices`, { kind })
    },
    objections(projectId: number): Promise<Body<'/api/v1/projects/{id}/objections'>> {
      return client.get(`/projects/${id(projectId)}/objections`)
    },
    answerObjection(objectionId: number, answer: string): Promise<StaffObjection> {
      return client.post(`/objections/${id(objectionId)}/answer`, { answer })
    },

    // ---- complaints (issue 4) ----
    /** Public: statuses, categories, unit and warranty kinds with zh/en labels. */
    complaintMeta(): Promise<ComplaintMeta> {
      return client.get('/complaints/meta', { token: null })
    },
    /** The caller's queue; `query` is a URLSearchParams string (lib/complaintQuery). */
    complaints(query = ''): Promise<ComplaintPage> {
      return client.get(query ? `/complaints?${query}` : '/complaints')
    },
    complaint(complaintId: number): Promise<StaffComplaint> {
      return client.get(`/complaints/${id(complaintId)}`)
    },
    /** 409 transition_not_allowed with details {from, to, allowed}. */
    transitionComplaint(complaintId: number, input: ComplaintTransition): Promise<StaffComplaint> {
      return client.post(`/complaints/${id(complaintId)}/transitions`, input)
    },
    replyComplaint(complaintId: number, note: string): Promise<StaffComplaint> {
      return client.post(`/complaints/${id(complaintId)}/replies`, { note })
    },
    units(): Promise<Body<'/api/v1/units'>> {
      return client.get('/units')
    },
    createUnit(input: UnitInput): Promise<ResponsibleUnit> {
      return client.post('/units', input)
    },

    // ---- progress, visits, satisfaction ----
    progressUpdates(projectId: number): Promise<Body<'/api/v1/projects/{id}/updates'>> {
      return client.get(`/projects/${id(projectId)}/updates`)
    },
    postProgress(projectId: number, input: ProgressInput): Promise<ProgressPost> {
      const form = new FormData()
      form.append('text', input.text)
      if (input.catalog_code) form.append('catalog_code', input.catalog_code)
      if (input.author) form.append('author', input.author)
      input.photos.forEach((p, k) => form.append('photos', p, p instanceof File ? p.name : `photo-${k + 1}.jpg`))
      return client.upload(`/projects/${id(projectId)}/updates`, form)
    },
    visits(projectId: number): Promise<Body<'/api/v1/projects/{id}/visits'>> {
      return client.get(`/projects/${id(projectId)}/visits`)
    },
    createVisit(projectId: number, input: VisitInput): Promise<Visit> {
      return client.post(`/projects/${id(projectId)}/visits`, input)
    },
    satisfaction(projectId: number): Promise<ProjectSatisfaction> {
      return client.get(`/projects/${id(projectId)}/satisfaction`)
    },
    satisfactionByDistrict(year: number): Promise<Body<'/api/v1/satisfaction'>> {
      return client.get(`/satisfaction?year=${id(year)}`)
    },

    // ---- project stages ----
    /** 409 transition_refused with details.reasons. */
    advanceStage(projectId: number, to: string, note?: string): Promise<Project> {
      return client.post(`/projects/${id(projectId)}/transitions`, note ? { to, note } : { to })
    },
    stages(projectId: number): Promise<Body<'/api/v1/projects/{id}/stages'>> {
      return client.get(`/projects/${id(projectId)}/stages`)
    },
    recordAcceptance(projectId: number, input: AcceptanceInput): Promise<unknown> {
      return client.post(`/projects/${id(projectId)}/acceptance`, input)
    },

    // ---- the pipeline (issue 5) ----
    /** 登记 or correct; 409 built_after_cutoff unless built_year_reason is given. */
    registerLedger(projectId: number, input: LedgerInput): Promise<Project> {
      return client.put(`/projects/${id(projectId)}/ledger`, input)
    },
    startCriteria(projectId: number): Promise<StartCriteria> {
      return client.get(`/projects/${id(projectId)}/start-criteria`)
    },
    /** Criteria 2–5 only (1 is computed from the vote); the evidence is required. */
    confirmCriterion(projectId: number, n: number, input: CriterionInput): Promise<StartCriteria> {
      const form = new FormData()
      form.append('confirmed_on', input.confirmed_on)
      form.append('person', input.person)
      if (input.note) form.append('note', input.note)
      form.append('evidence', input.evidence, input.evidence instanceof File ? input.evidence.name : 'evidence')
      return client.request('PUT', `/projects/${id(projectId)}/start-criteria/${id(n)}`, { body: form })
    },
    criterionEvidence(projectId: number, n: number): Promise<Blob> {
      return client.blob(`/projects/${id(projectId)}/start-criteria/${id(n)}/evidence`)
    },
    rectifications(projectId: number): Promise<Body<'/api/v1/projects/{id}/rectifications'>> {
      return client.get(`/projects/${id(projectId)}/rectifications`)
    },
    closeRectification(rectificationId: number, note: string): Promise<Rectification> {
      return client.post(`/rectifications/${id(rectificationId)}/close`, { note })
    },
    /** 404 target_not_found when the year has none. */
    districtTarget(districtId: number, year: number): Promise<DistrictTarget> {
      return client.get(`/districts/${id(districtId)}/targets/${id(year)}`)
    },
    /** City staff only. */
    setDistrictTarget(districtId: number, year: number, input: TargetInput): Promise<DistrictTarget> {
      return client.put(`/districts/${id(districtId)}/targets/${id(year)}`, input)
    },
    targetProgress(districtId: number, year: number): Promise<TargetProgress> {
      return client.get(`/districts/${id(districtId)}/targets/${id(year)}/progress`)
    },
    annualPlan(districtId: number, year: number): Promise<AnnualPlan> {
      return client.get(`/districts/${id(districtId)}/annual-plan/${id(year)}`)
    },
    /** 409 below_original / adjustment_closed when refused. */
    adjustPlan(districtId: number, input: AdjustmentInput): Promise<PlanAdjustment> {
      return client.post(`/districts/${id(districtId)}/adjustments`, input)
    },
    /** City: every district; district staff: their own; committee: 403. */
    dashboard(year: number): Promise<Dashboard> {
      return client.get(`/dashboard?year=${id(year)}`)
    },
    /** 月报 as of the month's last day; without a district (city staff) every district and a total. */
    monthlyReport(month: string, districtId?: number | null): Promise<Blob> {
      const q = new URLSearchParams()
      if (districtId) q.set('district_id', String(districtId))
      q.set('month', month)
      return client.blob(`/reports/monthly.xlsx?${q.toString()}`)
    },

    // ---- Open311 keys ----
    apiKeys(): Promise<Body<'/api/v1/api-keys'>> {
      return client.get('/api-keys')
    },
    /** The answer carries `key`, shown this once. */
    createApiKey(name: string): Promise<IssuedApiKey> {
      return client.post('/api-keys', { name })
    },
    revokeApiKey(keyId: number): Promise<unknown> {
      return client.delete(`/api-keys/${id(keyId)}`)
    },
  }
}

export type StaffApi = ReturnType<typeof staffApi>
