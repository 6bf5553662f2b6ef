import { copyFileSync, mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { toAppError } from '../../src/shared/errors'
import { demoModelPath, EngineHarness } from '../helpers/engine-harness'
import { writeHugeModel } from '../helpers/huge-model'

let harness: EngineHarness
beforeAll(() => {
  harness = new EngineHarness()
})
afterAll(() => harness.stop())

describe('model cards', () => {
  it('describe the demo model from its header, with the weights sorted by role', async () => {
    const { card, fit } = await harness.engine.inspectModel({ source: { kind: 'demo' } })
    expect(card).toMatchObject({
      fileName: 'tokenscope-demo.gguf',
      architecture: 'llama',
      name: 'Tokenscope Demo',
      fileType: 'F32',
      layers: 1,
      attentionHeads: 4,
      kvHeads: 4,
      embeddingSize: 128,
      feedForwardSize: 256,
      vocabSize: 2048,
      tokenizer: 'gpt2',
      trainedContextSize: 2048,
      hasChatTemplate: true,
      parts: 1,
    })
    expect(card.breakdown).toEqual({
      embeddings: 2048 * 128,
      attention: 4 * 128 * 128,
      feedForward: 3 * 128 * 256,
      norms: 3 * 128,
      output: 2048 * 128,
      other: 0,
    })
    expect(card.parameterCount).toBe(Object.values(card.breakdown).reduce((a, b) => a + b, 0))
    expect(fit.fits).toBe(true)
    expect(fit.contextSize).toBe(2048)
    expect(fit.ramNeeded).toBeGreaterThan(0)
    expect(fit.explanation).toMatch(/^Fits/)
    // Compare's batch context is counted apart: four columns, each as large as the main context.
    expect(fit.compare).toMatchObject({ columns: 4, fits: true })
    expect(fit.compare.ramNeeded + fit.compare.vramNeeded).toBeGreaterThan(0)
    expect(fit.trainedContextSize).toBe(2048)
    expect(fit.contextWarning).toBeNull()
  })

  it('flag a context larger than the model was trained on, even when the memory fits', async () => {
    const { fit } = await harness.engine.inspectModel({
      source: { kind: 'demo' },
      contextSize: 1_000_000,
    })
    expect(fit.contextSize).toBe(1_000_000)
    expect(fit.trainedContextSize).toBe(2048)
    // The demo declares no RoPE scaling: nothing stretches its 2,048 positions.
    expect(fit.contextWarning).toMatch(/trained on 2,048 tokens.*1,000,000.*no RoPE scaling/)
    expect(fit.explanation).toMatch(/^Fits in memory/)
  })

  it('list a folder with error badges, split files once, and no partial downloads', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenscope-models-'))
    copyFileSync(demoModelPath, join(folder, 'demo-copy.gguf'))
    copyFileSync(demoModelPath, join(folder, 'split-00001-of-00002.gguf'))
    writeFileSync(join(folder, 'split-00002-of-00002.gguf'), 'second part')
    writeFileSync(join(folder, 'broken.gguf'), 'not a model')
    copyFileSync(demoModelPath, join(folder, 'unfinished.gguf.part'))
    const listed = await harness.engine.scanModels({ folder })
    expect(listed.map((m) => m.fileName)).toEqual([
      'broken.gguf',
      'demo-copy.gguf',
      'split-00001-of-00002.gguf',
    ])
    expect(listed[0]?.error?.code).toBe('model-invalid')
    expect(listed[0]?.card).toBeNull()
    expect(listed[1]?.card?.architecture).toBe('llama')
    expect(listed[2]?.parts).toBe(2)
    expect(listed[2]?.sizeBytes).toBe((listed[1]?.sizeBytes ?? 0) + 'second part'.length)
  })
})

describe('fit before load', () => {
  it('refuses a model that cannot fit in memory before allocating anything, and explains', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tokenscope-huge-'))
    const path = writeHugeModel(folder)
    const { fit } = await harness.engine.inspectModel({ source: { kind: 'file', path } })
    expect(fit.fits).toBe(false)
    expect(fit.ramNeeded).toBeGreaterThan(fit.ramTotal)
    const error = await harness.engine.loadModel({ source: { kind: 'file', path } }).then(
      () => null,
      (e: unknown) => toAppError(e),
    )
    expect(error?.code).toBe('model-too-large')
    expect(error?.message).toMatch(/RAM/)
    expect(error?.hint).toMatch(/load anyway/)
    // The engine is unharmed and still serves.
    await harness.engine.loadModel({ source: { kind: 'demo' }, force: true })
    expect((await harness.generate({ maxTokens: 3 })).ended).not.toBeNull()
  })

  it('reports the hardware and frees memory on unload', async () => {
    const hardware = await harness.engine.getHardware()
    expect(hardware.backend).toBe('cpu')
    expect(hardware.ramTotal).toBeGreaterThan(hardware.ramFree)
    await harness.engine.loadModel({ source: { kind: 'demo' } })
    await harness.engine.unloadModel()
    expect((await harness.engine.getStatus()).model).toBeNull()
    const error = await harness.engine.generate(harness.request()).then(
      () => null,
      (e: unknown) => toAppError(e),
    )
    expect(error?.code).toBe('no-model')
  })

  it('shows load progress while loading', async () => {
    const before = harness.statuses.length
    await harness.engine.loadModel({ source: { kind: 'demo' } })
    const progress = harness.statuses.slice(before).map((s) => s.loadProgress)
    expect(progress.some((p) => p !== null && p > 0)).toBe(true)
    expect(progress.at(-1)).toBeNull()
  })
})
