import type { LlamaModel, Token } from 'node-llama-cpp'
import type { ThreadChoice, ThreadTrial } from '../../shared/engine-status'

const probeText = 'The quick brown fox jumps over the lazy dog.'

/** Timed steps of each count in the first round: their median decides unless it is close. */
const firstRoundSteps = 3

/** Choices made in this engine process, by model file and core count: a reload reuses them. */
const measured = new Map<string, ThreadChoice>()

/** The thread counts worth timing on a machine with `cores` cores for maths. */
export function threadCandidates(cores: number): number[] {
  const all = [1, Math.ceil(cores / 2), cores].filter((n) => n >= 1)
  return [...new Set(all)].sort((a, b) => a - b)
}

/**
 * The count with the fastest median step. More threads have to be 15 % faster to be taken: a
 * wrong pick of more threads on busy cores costs far more (their workers spin while they wait)
 * than a wrong pick of fewer. A count that timed no step loses.
 */
export function fastestTrial(trials: readonly ThreadTrial[]): ThreadTrial | null {
  let best: ThreadTrial | null = null
  for (const trial of [...trials].sort((a, b) => a.threads - b.threads)) {
    if (trial.msPerToken === null) continue
    if (!best || trial.msPerToken < (best.msPerToken ?? Infinity) * 0.85) best = trial
  }
  return best
}

/**
 * How many threads decode fastest for this model on this machine, measured rather than guessed:
 * llama.cpp's workers wait for each other by spinning, so on a small model, or on cores busy with
 * other work, a second thread can cost more than it gains. Each count decodes single tokens on a
 * small context of its own. A first round times three steps each (with one step each, a single
 * burst of other work could decide: in one benchmark run the 152k bench model made 23 tok/s with
 * the measured choice against 36 with 2 threads); unless one count won it clearly, a second round
 * in the opposite order times two more of each count still in the race, so that a burst does not
 * favour one of them.
 */
export async function measureThreads(
  model: LlamaModel,
  key: string,
  cores: number,
): Promise<ThreadChoice> {
  const known = measured.get(key)
  if (known) return known
  const candidates = threadCandidates(cores)
  const steps = new Map<number, number[]>(candidates.map((n) => [n, []]))
  const timed = (threads: number) => steps.get(threads) ?? []
  const trials = () => candidates.map((threads) => trialOf(threads, timed(threads)))
  // The first decode after a load reads the weights in: done once, with every core, untimed.
  await timeSteps(model, cores, 0)
  for (const threads of candidates)
    timed(threads).push(...(await timeSteps(model, threads, firstRoundSteps)))
  if (!clearWinner(trials())) {
    const best = Math.min(...trials().map((trial) => trial.msPerToken ?? Infinity))
    for (const threads of [...candidates].reverse()) {
      // A count three times slower than the best has lost; timing it again only delays the load.
      if ((median(timed(threads)) ?? Infinity) > best * 3) continue
      timed(threads).push(...(await timeSteps(model, threads, 2)))
    }
  }
  const choice: ThreadChoice = {
    count: fastestTrial(trials())?.threads ?? cores,
    how: 'measured',
    trials: trials().filter((trial) => trial.msPerToken !== null),
  }
  measured.set(key, choice)
  return choice
}

const trialOf = (threads: number, times: readonly number[]) => ({
  threads,
  msPerToken: median(times),
})

/** Whether one count beat every other by half as much again. */
function clearWinner(trials: readonly ThreadTrial[]): boolean {
  const fastest = fastestTrial(trials)
  if (!fastest || fastest.msPerToken === null) return false
  const time = fastest.msPerToken
  return trials.every((trial) => trial === fastest || (trial.msPerToken ?? Infinity) > time * 1.5)
}

/** Decodes one untimed step, then `count` timed ones, on a small context with `threads`. */
async function timeSteps(model: LlamaModel, threads: number, count: number): Promise<number[]> {
  const context = await model.createContext({
    contextSize: 256,
    batchSize: 8,
    sequences: 1,
    threads,
  })
  try {
    const sequence = context.getSequence()
    let token = (model.tokenize(probeText)[0] ?? 0) as Token
    const times: number[] = []
    for (let i = 0; i <= count; i++) {
      const startedAt = performance.now()
      // The next token is asked for, as in a real run: on a large vocabulary the output layer is a
      // good part of a step.
      const results = await sequence.controlledEvaluate([
        [token, { generateNext: { token: true } }],
      ])
      // The context's first step sets buffers up and is not counted.
      if (i > 0) times.push(performance.now() - startedAt)
      token = (results[0]?.next?.token ?? token) as Token
    }
    return times
  } finally {
    await context.dispose()
  }
}

function median(values: readonly number[]): number | null {
  if (values.length === 0) return null
  const sorted = [...values].sort((a, b) => a - b)
  const middle = Math.floor(sorted.length / 2)
  const upper = sorted[middle] ?? 0
  return sorted.length % 2 === 1 ? upper : ((sorted[middle - 1] ?? upper) + upper) / 2
}

/** The thread count a load uses: the one asked for, all cores when a GPU does the maths, else measured. */
export async function chooseThreads(
  model: LlamaModel,
  how: { requested: number; onGpu: boolean; cores: number; key: string },
): Promise<ThreadChoice> {
  if (how.requested > 0) return { count: how.requested, how: 'set', trials: [] }
  if (how.onGpu) return { count: how.cores, how: 'offloaded', trials: [] }
  return measureThreads(model, how.key, how.cores)
}
