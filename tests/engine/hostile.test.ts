import { writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError, type AppError } from '../../src/shared/errors'
import { EngineHarness } from '../helpers/engine-harness'
import {
  writeHostileModels,
  writeLongNameFolder,
  type HostileCase,
} from '../helpers/hostile-models'

let harness: EngineHarness
let corpus: { folder: string; cases: HostileCase[] }

beforeAll(async () => {
  corpus = writeHostileModels()
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
}, 300_000)
afterAll(() => harness.stop())

interface Row {
  name: string
  inspectMs: number
  inspect: string
  loadMs: number
  load: string
  chat?: string
}

const settle = async <T>(promise: Promise<T>) => {
  const startedAt = performance.now()
  const outcome = await promise.then(
    (value) => ({ ok: true as const, value, error: null as AppError | null }),
    (error: unknown) => ({ ok: false as const, value: null, error: toAppError(error) }),
  )
  return { ...outcome, ms: Math.round(performance.now() - startedAt) }
}

/** The engine answers and still holds the demo model (restarting by itself if it died). */
const expectDemoLoaded = async () => {
  const status = await harness.waitForStatus(
    (s) => s.state === 'ready' && s.model?.fileName === 'tokenscope-demo.gguf',
    30_000,
  )
  expect(status.model?.fileName).toBe('tokenscope-demo.gguf')
  expect((await harness.engine.getStatus()).model?.fileName).toBe('tokenscope-demo.gguf')
}

const short = (error: AppError | null) => (error ? `${error.code}: ${error.message}` : 'ok')

describe('the hostile corpus', () => {
  it('has at least 25 cases', () => {
    expect(corpus.cases.length).toBeGreaterThanOrEqual(25)
  })

  it('answers each case with a clear error, survives, and keeps the working model', async () => {
    const rows: Row[] = []
    for (const item of corpus.cases) {
      const source = { kind: 'file' as const, path: item.path }
      const inspected = await settle(harness.engine.inspectModel({ source }))
      const loaded = await settle(harness.engine.loadModel({ source }))
      const row: Row = {
        name: item.name,
        inspectMs: inspected.ms,
        inspect: inspected.ok
          ? `ok (name ${inspected.value.card.name?.length ?? 0} chars)`
          : short(inspected.error),
        loadMs: loaded.ms,
        load: short(loaded.error),
      }
      if (item.expect === 'loads') {
        expect(inspected.error).toBeNull()
        expect(loaded.error).toBeNull()
        expect(inspected.value?.card.name?.length ?? 0).toBeLessThanOrEqual(201)
        const chat = await harness.generate({
          chat: { messages: [{ role: 'user', content: 'Hello' }] },
          maxTokens: 4,
        })
        row.chat = chat.failed ? `${chat.failed.error.code}: ${chat.failed.error.message}` : 'ok'
        if (item.name.startsWith('template-'))
          expect(chat.failed?.error.message).toMatch(/template/i)
        await harness.engine.loadModel({ source: { kind: 'demo' } })
      } else {
        expect(loaded.error?.message.length ?? 0).toBeGreaterThan(10)
        expect(loaded.error?.message.length ?? 0).toBeLessThan(600)
        if (item.expect === 'refused') {
          expect(inspected.error?.code).toMatch(/model-invalid|model-not-found/)
          expect(loaded.error?.code).toMatch(/model-invalid|model-not-found/)
        } else {
          expect(loaded.error?.code).toBe('model-load-failed')
          // llama.cpp's own reason, not only node-llama-cpp's "Failed to load model".
          expect(loaded.error?.message).toMatch(/unknown model architecture|wrong shape/)
        }
      }
      rows.push(row)
      await expectDemoLoaded()
    }
    writeFileSync(join(tmpdir(), 'tokenscope-hostile-report.json'), JSON.stringify(rows, null, 1))
    console.table(rows)
    const run = await harness.generate({ maxTokens: 4 })
    expect(run.tokens.length).toBeGreaterThan(0)
  }, 600_000)

  it('lists every hostile file of a folder scan as an error, except the valid ones', async () => {
    const scan = await settle(harness.engine.scanModels({ folder: corpus.folder }))
    console.log(`folder scan of ${corpus.cases.length} hostile files: ${scan.ms} ms`)
    expect(scan.error).toBeNull()
    const listed = new Map((scan.value ?? []).map((m) => [m.fileName, m]))
    for (const item of corpus.cases) {
      const entry = listed.get(item.name)
      expect(entry, item.name).toBeDefined()
      if (item.expect === 'refused') expect(entry?.error, item.name).not.toBeNull()
      else expect(entry?.card, item.name).not.toBeNull()
    }
    expect(JSON.stringify(scan.value).length).toBeLessThan(1_000_000)
    await expectDemoLoaded()
  }, 120_000)

  it('scans 12 models with 8 MB names into a small listing', async () => {
    const folder = writeLongNameFolder(12, 8_000_000)
    const scan = await settle(harness.engine.scanModels({ folder }))
    const json = JSON.stringify(scan.value)
    console.log(`scan of 12 models with 8 MB names: ${scan.ms} ms, ${json.length} bytes of JSON`)
    expect(scan.value?.length).toBe(12)
    expect(json.length).toBeLessThan(100_000)
    expect(scan.value?.every((m) => (m.card?.name?.length ?? 0) <= 201)).toBe(true)
    await expectDemoLoaded()
  }, 120_000)
})
