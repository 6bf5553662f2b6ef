import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { RunEvent } from '../../src/shared/contract'
import { toAppError, type AppError } from '../../src/shared/errors'
import type { GenerateManyRequest, GenerateRequest } from '../../src/shared/schemas'
import { EngineHarness, summarize } from '../helpers/engine-harness'

let harness: EngineHarness
// Greedy, the demo model loops without ever ending: a run stays busy until it is stopped.
const endless = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 9 }

beforeAll(async () => {
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

const longRun = (): GenerateRequest => harness.request({ maxTokens: 4000, sampling: endless })
const batch = (columns: number): GenerateManyRequest => ({
  prompt: 'A token is',
  topN: 5,
  runs: Array.from({ length: columns }, () => {
    const { runId } = harness.request()
    return { runId, sampling: endless, maxTokens: 4000 }
  }),
})
const idsOf = (request: GenerateRequest | GenerateManyRequest) =>
  'runs' in request ? request.runs.map((run) => run.runId) : [request.runId]

/** Settles every call; `null` for one that was accepted, else its error. */
const outcomes = (calls: Promise<unknown>[]) =>
  Promise.all(
    calls.map((call) =>
      call.then(
        () => null,
        (e: unknown): AppError => toAppError(e),
      ),
    ),
  )

const firstTokens = (runId: string) =>
  harness.until(
    () => (harness.eventsOf(runId).some((e) => e.kind === 'tokens') ? true : null),
    `tokens of ${runId}`,
  )

async function stopAll(runIds: string[]) {
  await Promise.all(runIds.map((runId) => harness.engine.cancel({ runId })))
  return Promise.all(runIds.map(async (runId) => summarize(await harness.waitForEnd(runId))))
}

describe('two requests at once', () => {
  const cases: [string, () => GenerateRequest | GenerateManyRequest, RegExp][] = [
    ['generate', longRun, /^Another run is in progress \(a completion\)\.$/],
    [
      'generateMany',
      () => batch(2),
      /^Another run is in progress \(a comparison of 2 columns\)\.$/,
    ],
  ]
  for (const [firstKind, first, busyMessage] of cases) {
    for (const [secondKind, second] of cases) {
      it(`${firstKind} then ${secondKind}: exactly one runs, the other is refused as busy`, async () => {
        const a = first()
        const b = second()
        const call = (request: GenerateRequest | GenerateManyRequest) =>
          'runs' in request
            ? harness.engine.generateMany(request)
            : harness.engine.generate(request)
        const [winner, loser] = await outcomes([call(a), call(b)])
        expect(winner).toBeNull()
        expect(loser?.code).toBe('run-busy')
        expect(loser?.message).toMatch(busyMessage)
        expect(loser?.hint).toBe('Stop it or wait for it to finish.')
        const ended = await stopAll(idsOf(a))
        for (const run of ended) expect(run.ended?.reason).toBe('cancelled')
        // The refused request never started anything.
        for (const runId of idsOf(b)) expect(harness.eventsOf(runId)).toEqual([])
      })
    }
  }
})

describe('stop, then start again at once', () => {
  it('starts the new run once the stopped one has ended, instead of refusing it as busy', async () => {
    const first = longRun()
    await harness.engine.generate(first)
    await firstTokens(first.runId)
    // Sent together, as a client does that drops a stream and sends its next request.
    const second = longRun()
    const [stopped, started] = await outcomes([
      harness.engine.cancel({ runId: first.runId }),
      harness.engine.generate(second),
    ])
    expect(stopped).toBeNull()
    expect(started).toBeNull()
    expect(summarize(await harness.waitForEnd(first.runId)).ended?.reason).toBe('cancelled')
    await firstTokens(second.runId)
    const [run] = await stopAll([second.runId])
    expect(run?.ended?.reason).toBe('cancelled')
  })

  it('still refuses a run while another one goes on', async () => {
    const first = longRun()
    await harness.engine.generate(first)
    const refused = await outcomes([harness.engine.generate(longRun())])
    expect(refused[0]?.code).toBe('run-busy')
    await stopAll([first.runId])
  })
})

describe('a model load during a run', () => {
  it('cancels the run, keeps its tokens, and refuses runs until the new model is ready', async () => {
    const run = longRun()
    await harness.engine.generate(run)
    await firstTokens(run.runId)
    const loaded = harness.engine.loadModel({ source: { kind: 'demo' } })
    const [single, many] = await outcomes([
      harness.engine.generate(harness.request()),
      harness.engine.generateMany(batch(2)),
    ])
    for (const refusal of [single, many]) {
      expect(refusal?.code).toBe('run-busy')
      expect(refusal?.message).toBe('A model is loading.')
    }
    await loaded
    // The load went on only after the run had really ended.
    const events = harness.eventsOf(run.runId)
    const cancelled = summarize(events)
    expect(cancelled.ended?.reason).toBe('cancelled')
    expect(cancelled.tokens.length).toBeGreaterThan(0)
    const after = await harness.generate({ maxTokens: 4 })
    expect(after.ended?.reason).toBe('max-tokens')
  })

  it('cancels every column of a comparison and frees its context before loading', async () => {
    const request = batch(3)
    await harness.engine.generateMany(request)
    await Promise.all(idsOf(request).map(firstTokens))
    await harness.engine.loadModel({ source: { kind: 'demo' } })
    for (const runId of idsOf(request)) {
      const column = summarize(harness.eventsOf(runId))
      expect(column.ended?.reason).toBe('cancelled')
      expect(column.tokens.length).toBeGreaterThan(0)
    }
    expect(harness.statuses.at(-1)?.parallelContext).toBeNull()
  })

  it('an unload during a run ends it the same way; a run after it hears there is no model', async () => {
    const run = longRun()
    await harness.engine.generate(run)
    await firstTokens(run.runId)
    await harness.engine.unloadModel()
    expect(summarize(harness.eventsOf(run.runId)).ended?.reason).toBe('cancelled')
    const [refused] = await outcomes([harness.engine.generate(harness.request())])
    expect(refused?.code).toBe('no-model')
    await harness.engine.loadModel({ source: { kind: 'demo' } })
  })
})

describe('tokenize against loads', () => {
  it('waits for a load in progress and tokenizes on the new model', async () => {
    const loaded = harness.engine.loadModel({ source: { kind: 'demo' } })
    const tokens = await harness.engine.tokenize({ text: 'A token is', specialTokens: false })
    expect(tokens.map((t) => t.text).join('')).toBe('A token is')
    await loaded
  })

  it('during an unload answers that no model is loaded instead of touching the freed one', async () => {
    const unloaded = harness.engine.unloadModel()
    const [error] = await outcomes([
      harness.engine.tokenize({ text: 'A token is', specialTokens: false }),
    ])
    expect(error?.code).toBe('no-model')
    await unloaded
    await harness.engine.loadModel({ source: { kind: 'demo' } })
  })
})

describe('the comparison context', () => {
  it('is sized to the columns and freed before the last column is reported ended', async () => {
    const request: GenerateManyRequest = {
      prompt: 'A token is',
      topN: 5,
      runs: [1, 2].map((n) => ({
        runId: harness.request().runId,
        sampling: endless,
        maxTokens: n,
      })),
    }
    const statusesBefore = harness.statuses.length
    await harness.engine.generateMany(request)
    const ends = await Promise.all(idsOf(request).map((runId) => harness.waitForEnd(runId)))
    expect(ends.map((events: RunEvent[]) => summarize(events).ended?.reason)).toEqual([
      'max-tokens',
      'max-tokens',
    ])
    const during = harness.statuses.slice(statusesBefore).map((s) => s.parallelContext)
    const size = harness.statuses.at(-1)?.model?.contextSize
    expect(during).toContainEqual({ sequences: 2, contextSize: size })
    expect(harness.statuses.at(-1)?.parallelContext).toBeNull()
    // The engine is free the moment a client sees the batch end.
    const next = await harness.generate({ maxTokens: 2 })
    expect(next.ended?.reason).toBe('max-tokens')
  })
})
