import { AppFailure } from '../../shared/errors'
import type { LoadOptions } from '../../shared/schemas'
import type { LlamaRuntime } from './llama-runtime'
import { estimateFit } from './model-fit'
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
