import { describe, expect, it } from 'vitest'
import {
  buildFolderName,
  chooseEngineBinary,
  describeEngineBinary,
  engineCacheRoot,
  fastEngineApi,
  parseEngineBinaryPreference,
  pickFastBuild,
  type FastBuildManifest,
} from '../../src/main/engine/engine-binary'
import { headRequestFor, unionOfHeads } from '../../src/main/engine/probability-head'
import { defaultSampling } from '../../src/shared/schemas'

const build = (change: Partial<FastBuildManifest> = {}): FastBuildManifest => ({
  api: fastEngineApi,
  nodeLlamaCpp: '3.21.1',
  llamaCppRelease: 'v0.4.0',
  backend: 'cpu',
  hash: 'abc',
  builtAt: '2026-12-02T10:00:00.000Z',
  binary: 'llama-addon.node',
  features: ['native CPU flags', 'OpenMP threads'],
  ...change,
})

describe('the fast binary cache', () => {
  it('lives outside the repository, under the user cache', () => {
    expect(engineCacheRoot({}, '/home/u')).toBe('/home/u/.cache/tokenscope/engine')
    expect(engineCacheRoot({ XDG_CACHE_HOME: '/c' }, '/home/u')).toBe('/c/tokenscope/engine')
    expect(engineCacheRoot({ TOKENSCOPE_ENGINE_CACHE: '/x' }, '/home/u')).toBe('/x')
    expect(buildFolderName('3.21.1', 'cpu', 'abc')).toBe('3.21.1-cpu-abc')
  })

  it('picks the newest build of this version, backend and addon API', () => {
    const wanted = { nodeLlamaCpp: '3.21.1', backend: 'cpu' as const }
    const old = build({ hash: 'old' })
    const newer = build({ hash: 'new', builtAt: '2026-12-02T11:00:00.000Z' })
    expect(pickFastBuild([old, newer], wanted)?.hash).toBe('new')
    expect(pickFastBuild([build({ nodeLlamaCpp: '3.22.0' })], wanted)).toBeNull()
    expect(pickFastBuild([build({ backend: 'cuda' })], wanted)).toBeNull()
    expect(pickFastBuild([build({ api: fastEngineApi + 1 })], wanted)).toBeNull()
  })
})

describe('choosing the engine binary', () => {
  it('reads TOKENSCOPE_ENGINE_BINARY', () => {
    expect(parseEngineBinaryPreference(undefined).preference).toBe('auto')
    expect(parseEngineBinaryPreference(' Fast ').preference).toBe('fast')
    const odd = parseEngineBinaryPreference('turbo')
    expect(odd.preference).toBe('auto')
    expect(odd.problem).toMatch(/TOKENSCOPE_ENGINE_BINARY="turbo"/)
  })

  it('uses the fast binary only when it is there and passed its self-check', () => {
    expect(chooseEngineBinary('auto', { build: build(), failure: null }).use).toBe('fast')
    const missing = chooseEngineBinary('auto', null)
    expect(missing).toEqual({ use: 'prebuilt', reason: expect.stringMatching(/build:engine/) })
    const failed = chooseEngineBinary('auto', { build: build(), failure: 'a probability differs' })
    expect(failed.use).toBe('prebuilt')
    expect(failed.reason).toMatch(/self-check: a probability differs/)
    expect(chooseEngineBinary('prebuilt', { build: build(), failure: null }).use).toBe('prebuilt')
  })

  it('refuses a forced fast binary that cannot run, rather than measure the other', () => {
    expect(() => chooseEngineBinary('fast', null)).toThrow(/TOKENSCOPE_ENGINE_BINARY=fast/)
    expect(() => chooseEngineBinary('fast', { build: build(), failure: 'x' })).toThrow(/x/)
  })

  it('describes the binary for the status', () => {
    const fast = describeEngineBinary('fast', 'ok', build(), '/c/llama-addon.node')
    expect(fast).toMatchObject({ kind: 'fast', path: '/c/llama-addon.node' })
    expect(fast.label).toMatch(/OpenMP/)
    expect(describeEngineBinary('prebuilt', 'why', null, null).kind).toBe('prebuilt')
  })
})

describe('the head a run asks for', () => {
  it('covers top-k, or what top-p and min-p keep, and the alternatives shown', () => {
    expect(headRequestFor(defaultSampling, 20)).toEqual({ top: 40, mass: 1, minRatio: 0 })
    expect(headRequestFor({ ...defaultSampling, topK: 5 }, 20)?.top).toBe(20)
    expect(headRequestFor({ ...defaultSampling, topK: 0 }, 20)).toEqual({
      top: 20,
      mass: 0.95,
      minRatio: 0.05,
    })
    // Greedy keeps top-k's cut too, for the Sampling Lab; with top-k off, the alternatives.
    expect(headRequestFor({ ...defaultSampling, temperature: 0 }, 3)?.top).toBe(40)
    expect(headRequestFor({ ...defaultSampling, temperature: 0, topK: 0 }, 3)?.top).toBe(3)
  })

  it('asks for everything when the chain or penalties may need any token', () => {
    const open = { ...defaultSampling, topK: 0, topP: 1, minP: 0 }
    expect(headRequestFor(open, 20)).toBeNull()
    expect(headRequestFor({ ...defaultSampling, presencePenalty: 0.5 }, 20)).toBeNull()
  })

  it('serves several runs with one head when their cut-offs agree', () => {
    const a = { top: 40, mass: 1, minRatio: 0 }
    expect(unionOfHeads([a, { ...a, top: 50 }])?.top).toBe(50)
    expect(unionOfHeads([a, { top: 20, mass: 0.95, minRatio: 0.05 }])).toBeNull()
    expect(unionOfHeads([a, null])).toBeNull()
    expect(unionOfHeads([])).toBeNull()
  })
})
