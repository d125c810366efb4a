// A short note that something worked ("Saved", "Copied"), read out by screen
// readers through Element Plus's live region.
import { ElMessage } from 'element-plus'

export function notifyDone(message: string): void {
  ElMessage({ message, type: 'success', duration: 3000, grouping: true })
}
