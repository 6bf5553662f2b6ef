import { AppFailure } from '../../shared/errors'
import type { LoadOptions } from '../../shared/schemas'
import type { LlamaRuntime } from './llama-runtime'
import { estimateFit, gib, type MemoryPlan } from './model-fit'
import { readModelCard } from './model-scan'

/**
 * Refuses, before anything is allocated, a load that the memory estimate says cannot fit: the
 * alternative is an out-of-memory kill or a machine that swaps for minutes.
 */
export async function refuseIfTooLarge(
  runtime: LlamaRuntime,
  path: string,
  options: Required<LoadOptions>,
): Promise<void> {
  await readModelCard(path)
  const fit = await estimateFit(runtime, path, options)
  if (fit.fits) return
  throw new AppFailure({
    code: 'model-too-large',
    message: fit.explanation,
    hint: 'Choose a smaller context or fewer GPU layers, or load anyway if you know better.',
  })
}

/** Refuses a Compare batch whose context would not fit beside the loaded model. */
export function refuseBatchIfTooLarge(plan: MemoryPlan, columns: number): void {
  const batch = plan.batch(columns)
  const { ramOk, vramOk } = plan.fits({
    ram: plan.load.ram + batch.ram,
    vram: plan.load.vram + batch.vram,
  })
  if (ramOk && vramOk) return
  throw new AppFailure({
    code: 'model-too-large',
    message: `Comparing ${columns} columns needs about ${gib(batch.ram + batch.vram)} more memory than this machine can spare beside the model.`,
    hint: 'Compare fewer columns, or load the model with a smaller context.',
  })
}
