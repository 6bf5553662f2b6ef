import type { ThreadChoice } from '../../../shared/engine-status'

export function threadCountText(count: number): string {
  return count === 1 ? '1 thread' : `${count} threads`
}

/** What the engine's thread count is and why, in one sentence for a tooltip. */
export function threadChoiceText(choice: ThreadChoice): string {
  const count = threadCountText(choice.count)
  if (choice.how === 'set') return `${count}, as set in the load options.`
  if (choice.how === 'offloaded') return `${count}, every core: a GPU does the maths.`
  const trials = choice.trials
    .filter((trial) => trial.msPerToken !== null)
    .map((trial) => `${threadCountText(trial.threads)} ${trial.msPerToken?.toFixed(1)} ms`)
  if (trials.length === 0) return `${count}.`
  return `${count}, the fastest when timed at load (a token took ${trials.join(', ')}).`
}
