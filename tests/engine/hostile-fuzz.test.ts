import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../../src/shared/errors'
import { EngineHarness } from '../helpers/engine-harness'
import { seededRandom, writeMutation } from '../helpers/hostile-models'

// Bounded in count and in time: whichever ends first.
const mutations = Number(process.env.TOKENSCOPE_FUZZ_COUNT ?? 200)
const timeBudgetMs = Number(process.env.TOKENSCOPE_FUZZ_MS ?? 150_000)
const seed = Number(process.env.TOKENSCOPE_FUZZ_SEED ?? 13)

let harness: EngineHarness
let folder: string

beforeAll(async () => {
  folder = mkdtempSync(join(tmpdir(), 'tokenscope-fuzz-'))
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
}, 120_000)
afterAll(() => {
  harness.stop()
  rmSync(folder, { recursive: true, force: true })
})

/** Answers, whether the engine lived through the last call or restarted by itself. */
async function engineAnswers(): Promise<void> {
  await harness.until(
    () => {
      const latest = harness.statuses[harness.statuses.length - 1]
      return latest?.state === 'crashed' ? null : true
    },
    'an engine that is not restarting',
    30_000,
  )
  await harness.engine.getStatus()
}

describe('fuzzed demo headers', () => {
  it('each answers, the engine survives, and the demo still generates', async () => {
    const random = seededRandom(seed)
    const startedAt = performance.now()
    const outcomes = { refused: 0, loaded: 0, llamaRefused: 0, crashes: 0 }
    const log: string[] = []
    let slowest = { ms: 0, description: '' }
    let done = 0
    for (; done < mutations && performance.now() - startedAt < timeBudgetMs; done++) {
      const { path, description } = writeMutation(folder, done, random)
      const restartsBefore = (await harness.engine.getStatus()).restarts
      const caseStart = performance.now()
      const source = { kind: 'file' as const, path }
      const inspected = await harness.engine.inspectModel({ source }).then(
        () => null,
        (e: unknown) => toAppError(e),
      )
      let loaded = inspected
      if (!inspected) {
        loaded = await harness.engine.loadModel({ source }).then(
          () => null,
          (e: unknown) => toAppError(e),
        )
      }
      const ms = Math.round(performance.now() - caseStart)
      if (ms > slowest.ms) slowest = { ms, description }
      await engineAnswers()
      const restarted = (await harness.engine.getStatus()).restarts > restartsBefore
      if (restarted) outcomes.crashes++
      else if (inspected) outcomes.refused++
      else if (loaded) outcomes.llamaRefused++
      else outcomes.loaded++
      if (loaded) expect(loaded.message.length).toBeGreaterThan(5)
      log.push(
        `${done}\t${ms}\t${restarted ? 'crash' : (loaded?.code ?? 'ok')}\t${description}\t${loaded?.message ?? ''}`,
      )
      // Whatever happened, the demo must come back (loaded again if the mutation replaced it).
      const status = await harness.engine.getStatus()
      if (status.model?.fileName !== 'tokenscope-demo.gguf')
        await harness.engine.loadModel({ source: { kind: 'demo' } })
    }
    writeFileSync(join(tmpdir(), 'tokenscope-fuzz-report.tsv'), log.join('\n'))
    console.log(
      `fuzz: ${done} mutations (seed ${seed}) in ${Math.round(performance.now() - startedAt)} ms;`,
      outcomes,
      `slowest ${slowest.ms} ms (${slowest.description})`,
    )
    expect(done).toBeGreaterThan(0)
    await engineAnswers()
    const run = await harness.generate({ maxTokens: 4 })
    expect(run.tokens.length).toBeGreaterThan(0)
  }, 600_000)
})
