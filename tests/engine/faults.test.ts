import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../../src/shared/errors'
import { writeBadModels } from '../helpers/bad-models'
import { createHash } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'

let harness: EngineHarness
let bad: Record<string, string>

beforeAll(async () => {
  harness = new EngineHarness()
  bad = writeBadModels()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
})
afterAll(() => harness.stop())

const expectWorkingEngine = async () => {
  await harness.engine.loadModel({ source: { kind: 'demo' } })
  const run = await harness.generate({ maxTokens: 4 })
  expect(run.tokens.length).toBeGreaterThan(0)
}

describe('bad model files', () => {
  it.each([
    ['missing.gguf', 'model-not-found', /No file at/],
    ['folder', 'model-invalid', /folder/],
    ['not-a-model.gguf', 'model-invalid', /not a GGUF file/],
    ['wrong-version.gguf', 'model-invalid', /version 99/],
    ['absurd-counts.gguf', 'model-invalid', /count/],
    ['absurd-string-length.gguf', 'model-invalid', /./],
    ['absurd-array-length.gguf', 'model-invalid', /./],
    ['truncated-metadata.gguf', 'model-invalid', /./],
    ['truncated-tensors.gguf', 'model-invalid', /past the end of the file/],
    ['absurd-tensor-size.gguf', 'model-invalid', /./],
  ])('%s fails with a clear %s error and the next load works', async (file, code, message) => {
    const error = await harness.engine
      .loadModel({ source: { kind: 'file', path: bad[file] ?? '' } })
      .then(
        () => null,
        (e: unknown) => toAppError(e),
      )
    expect(error?.code).toBe(code)
    expect(error?.message).toMatch(message)
    expect(error?.hint).toBeTruthy()
    await expectWorkingEngine()
  })
})

describe('the loaded model', () => {
  it('is identified by the SHA-256 of its file once hashing finishes', async () => {
    const expected = createHash('sha256').update(readFileSync(demoModelPath)).digest('hex')
    await harness.engine.loadModel({ source: { kind: 'demo' } })
    const status = await harness.waitForStatus((s) => s.model?.sha256 != null)
    expect(status.model?.sha256).toBe(expected)
  })
})

describe('bad requests', () => {
  it('rejects out-of-range settings with a message naming the field', async () => {
    const error = await harness.engine
      .generate(
        harness.request({ sampling: { temperature: 99, topK: 0, topP: 1, minP: 0, seed: 1 } }),
      )
      .then(
        () => null,
        (e: unknown) => toAppError(e),
      )
    expect(error?.code).toBe('invalid-request')
    expect(error?.message).toMatch(/sampling\.temperature/)
  })

  it('rejects a second run while one is in progress', async () => {
    // Greedy, the demo model loops without ever ending: the first run is still going.
    const first = harness.request({
      maxTokens: 2000,
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 9 },
    })
    await harness.engine.generate(first)
    const error = await harness.engine.generate(harness.request()).then(
      () => null,
      (e: unknown) => toAppError(e),
    )
    expect(error?.code).toBe('run-busy')
    await harness.engine.cancel({ runId: first.runId })
    await harness.waitForEnd(first.runId)
  })
})

describe('a killed engine', () => {
  it('is reported, restarted with the model reloaded, and the run that was streaming fails cleanly', async () => {
    const request = harness.request({
      maxTokens: 8000,
      sampling: { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 3 },
    })
    const restartsBefore = harness.statuses.at(-1)?.restarts ?? 0
    await harness.engine.generate(request)
    await expect
      .poll(() => harness.eventsOf(request.runId).some((e) => e.kind === 'tokens'))
      .toBe(true)
    harness.supervisor.killEngine()

    const events = await harness.waitForEnd(request.runId)
    const last = events.at(-1)
    expect(last?.kind).toBe('failed')
    if (last?.kind === 'failed') expect(last.error.code).toBe('engine-crashed')
    expect(harness.statuses.some((s) => s.state === 'crashed')).toBe(true)
    const recovered = await harness.waitForStatus((s) => s.state === 'ready' && s.model !== null)
    expect(recovered.restarts).toBe(restartsBefore + 1)
    const run = await harness.generate({ maxTokens: 4 })
    expect(run.ended).not.toBeNull()
  })
})
