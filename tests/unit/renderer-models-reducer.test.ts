import { describe, expect, it } from 'vitest'
import type { DownloadProgress } from '../../src/shared/downloads'
import type { AppError } from '../../src/shared/errors'
import type { ModelInspection } from '../../src/shared/models'
import {
  initialModelsState,
  inspectionKey,
  isLoadedSource,
  mergeDownloads,
  modelsReducer,
  type ModelsAction,
  type ModelsState,
} from '../../src/renderer/src/views/models/models-reducer'

const run = (actions: ModelsAction[], state: ModelsState = initialModelsState) =>
  actions.reduce(modelsReducer, state)

const file = (path: string) => ({ kind: 'file' as const, path })

const inspection = { card: { fileName: 'a.gguf' }, fit: { fits: true } } as ModelInspection

const tooLarge: AppError = {
  code: 'model-too-large',
  message: 'This model needs 48 GB of RAM; 16 GB are free.',
  hint: 'Use a smaller quantization or load anyway.',
}

const download = (id: string, change: Partial<DownloadProgress> = {}): DownloadProgress => ({
  id,
  url: `http://127.0.0.1/${id}.gguf`,
  fileName: `${id}.gguf`,
  path: `/models/${id}.gguf`,
  state: 'downloading',
  receivedBytes: 0,
  totalBytes: 100,
  resumedFromBytes: 0,
  bytesPerSecond: null,
  etaSeconds: null,
  error: null,
  sha256: null,
  localHost: null,
  allowLocalHost: false,
  parts: 1,
  ...change,
})

describe('models view reducer', () => {
  it('keeps only the answer to the latest inspection', () => {
    const a = inspectionKey(file('/a.gguf'), initialModelsState.options)
    const b = inspectionKey(file('/a.gguf'), { ...initialModelsState.options, contextSize: 1024 })
    expect(a).not.toBe(b)
    const state = run([
      { type: 'selected', source: file('/a.gguf') },
      { type: 'inspectStarted', key: a },
      { type: 'inspectStarted', key: b },
      { type: 'inspected', key: a, inspection },
    ])
    expect(state.inspection).toBeNull()
    expect(state.inspectionStatus).toBe('busy')
    const done = modelsReducer(state, { type: 'inspected', key: b, inspection })
    expect(done.inspection).toBe(inspection)
    expect(done.inspectionStatus).toBe('ready')
  })

  it('shows an inspection error in place of the card, and a new selection clears it', () => {
    const key = inspectionKey(file('/gone.gguf'), initialModelsState.options)
    const error: AppError = { code: 'model-not-found', message: 'No file at /gone.gguf.' }
    const failed = run([
      { type: 'selected', source: file('/gone.gguf') },
      { type: 'inspectStarted', key },
      { type: 'inspectFailed', key, error },
    ])
    expect(failed.inspectionError).toEqual(error)
    const next = modelsReducer(failed, { type: 'selected', source: { kind: 'demo' } })
    expect(next.inspectionError).toBeNull()
    expect(next.selected).toEqual({ kind: 'demo' })
  })

  it('turns a model-too-large refusal into an overridable state, cleared by a new load', () => {
    const refused = run([
      { type: 'selected', source: file('/big.gguf') },
      { type: 'loadStarted', source: file('/big.gguf') },
      { type: 'loadFailed', error: tooLarge },
    ])
    expect(refused.loadStatus).toBe('too-large')
    expect(refused.loadError).toEqual(tooLarge)
    const forced = modelsReducer(refused, { type: 'loadStarted', source: file('/big.gguf') })
    expect(forced.loadStatus).toBe('loading')
    expect(forced.loadError).toBeNull()
    const other = modelsReducer(refused, {
      type: 'loadFailed',
      error: { ...tooLarge, code: 'model-load-failed' },
    })
    expect(other.loadStatus).toBe('failed')
    // Choosing another model drops the refusal that was about the first one.
    expect(modelsReducer(refused, { type: 'selected', source: { kind: 'demo' } }).loadStatus).toBe(
      'idle',
    )
  })

  it('ignores the scan of a folder that is no longer the one asked for', () => {
    const state = run([
      { type: 'scanStarted', folder: '/one' },
      { type: 'scanStarted', folder: '/two' },
      { type: 'scanned', folder: '/one', models: [] },
    ])
    expect(state.scanStatus).toBe('busy')
    expect(state.folder).toBe('/one')
    expect(modelsReducer(state, { type: 'scanned', folder: '/two', models: [] }).scanStatus).toBe(
      'ready',
    )
  })

  it('follows downloads: newest first, updated in place, a retry replaces the failed try', () => {
    const state = run([
      { type: 'download', progress: download('a') },
      { type: 'download', progress: download('b') },
      { type: 'download', progress: download('a', { receivedBytes: 50 }) },
    ])
    expect(state.downloads.map((d) => [d.id, d.receivedBytes])).toEqual([
      ['b', 0],
      ['a', 50],
    ])
    const failed = modelsReducer(state, {
      type: 'download',
      progress: download('a', { state: 'failed' }),
    })
    const retry = modelsReducer(failed, {
      type: 'download',
      progress: { ...download('a2'), path: '/models/a.gguf' },
    })
    expect(retry.downloads.map((d) => d.id)).toEqual(['a2', 'b'])
    const removed = modelsReducer(retry, { type: 'downloadRemoved', id: 'b' })
    expect(removed.downloads.map((d) => d.id)).toEqual(['a2'])
    // Another tab removed it: the host's last report of it says so.
    const elsewhere = modelsReducer(removed, {
      type: 'download',
      progress: { ...download('a2'), removed: true },
    })
    expect(elsewhere.downloads).toEqual([])
  })

  it('merges the listed downloads with newer events', () => {
    const listed = [download('a', { receivedBytes: 10 }), download('b')]
    const known = [download('c'), download('a', { state: 'done', receivedBytes: 100 })]
    const merged = mergeDownloads(listed, known)
    expect(merged.map((d) => [d.id, d.state])).toEqual([
      ['c', 'downloading'],
      ['a', 'done'],
      ['b', 'downloading'],
    ])
  })

  it('recognizes the loaded model by kind and path, not by file name', () => {
    const demo = { isDemo: true, path: '/app/resources/models/tokenscope-demo.gguf' }
    const loaded = { isDemo: false, path: '/m/a.gguf' }
    expect(isLoadedSource({ kind: 'demo' }, demo)).toBe(true)
    expect(isLoadedSource(file('/m/a.gguf'), demo)).toBe(false)
    expect(isLoadedSource(file('/m/a.gguf'), loaded)).toBe(true)
    expect(isLoadedSource(file('/other/a.gguf'), loaded)).toBe(false)
    expect(isLoadedSource(file('/m/a.gguf'), null)).toBe(false)
  })
})
