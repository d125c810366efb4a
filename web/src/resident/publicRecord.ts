// The public record's screens and checks (issue 10) in one piece that the
// views load with import() when they need it, so the first screen never
// carries them; the verifier (tlog.ts) is loaded from here in turn.
export { default as VoteCheck } from './components/VoteCheck.vue'
export { default as RecordAlert } from './components/RecordAlert.vue'
export { default as PublicRecord } from './components/PublicRecord.vue'
export { followLog, isRecordProblem } from './record'
