// Codes are shown once: they live in memory until the slips are printed, never
// in localStorage.
import { shallowRef } from 'vue'
import type { Slip } from './slips'

export interface SlipBatch {
  community: string
  building: string
  buildingId: number
  slips: Slip[]
  issuedAt: string
}

export const slipBatch = shallowRef<SlipBatch | null>(null)

export function setSlipBatch(batch: SlipBatch): void {
  slipBatch.value = batch
}

export function clearSlipBatch(): void {
  slipBatch.value = null
}
