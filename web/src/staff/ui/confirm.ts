// Confirmations before an action that cannot be undone (rotate a QR code,
// issue new codes, publish a plan, close the vote). One place, so tests can
// answer them.
import { ElMessageBox } from 'element-plus'

export interface ConfirmOptions {
  title: string
  message: string
  confirm: string
  cancel: string
  danger?: boolean
}

/** Resolves true when the person confirmed, false when they cancelled. */
export async function confirmAction(o: ConfirmOptions): Promise<boolean> {
  try {
    await ElMessageBox.confirm(o.message, o.title, {
      confirmButtonText: o.confirm,
      cancelButtonText: o.cancel,
      type: o.danger ? 'warning' : 'info',
      confirmButtonClass: o.danger ? 'el-button--danger' : undefined,
      autofocus: false,
      closeOnClickModal: false,
    })
    return true
  } catch {
    return false
  }
}
