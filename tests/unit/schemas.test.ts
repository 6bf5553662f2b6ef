import { describe, expect, it } from 'vitest'
import {
  defaultSampling,
  describeIssues,
  generateRequestSchema,
  loadModelRequestSchema,
} from '../../src/shared/schemas'

const valid = {
  runId: 'run-1',
  prompt: 'Hello',
  sampling: defaultSampling,
  maxTokens: 64,
  topN: 10,
}

describe('request schemas', () => {
  it('accepts a well-formed generate request', () => {
    expect(generateRequestSchema.parse(valid)).toEqual({ ...valid, forcedTokens: [], stop: [] })
  })

  it('bounds the stop strings and the penalties', () => {
    const parse = (change: object) => generateRequestSchema.safeParse({ ...valid, ...change })
    expect(parse({ stop: ['\n\n', 'User:'] }).success).toBe(true)
    expect(parse({ stop: [''] }).success).toBe(false)
    expect(parse({ stop: Array.from({ length: 9 }, (_, i) => `s${i}`) }).success).toBe(false)
    const sampling = (extra: object) => ({ sampling: { ...valid.sampling, ...extra } })
    expect(parse(sampling({ presencePenalty: 1.5, frequencyPenalty: -2 })).success).toBe(true)
    expect(parse(sampling({ presencePenalty: 2.5 })).success).toBe(false)
    expect(parse(sampling({ penaltyWindow: -1 })).success).toBe(false)
  })

  it('takes either a prompt or a chat', () => {
    const chat = { messages: [{ role: 'user', content: 'Hi' }] }
    const { prompt: _prompt, ...withoutPrompt } = valid
    expect(generateRequestSchema.parse({ ...withoutPrompt, chat }).chat).toEqual({
      system: '',
      ...chat,
    })
    const both = generateRequestSchema.safeParse({ ...valid, chat })
    expect(both.success).toBe(false)
    if (!both.success)
      expect(describeIssues(both.error)).toBe('request: give either a prompt or a chat, not both')
    expect(generateRequestSchema.safeParse(withoutPrompt).success).toBe(false)
  })

  it.each([
    [{ sampling: { ...defaultSampling, temperature: 9 } }, 'sampling.temperature'],
    [{ sampling: { ...defaultSampling, topP: 1.5 } }, 'sampling.topP'],
    [{ sampling: { ...defaultSampling, topK: -1 } }, 'sampling.topK'],
    [{ sampling: { ...defaultSampling, seed: 2 ** 40 } }, 'sampling.seed'],
    [{ maxTokens: 1e9 }, 'maxTokens'],
    [{ maxTokens: 1.5 }, 'maxTokens'],
    [{ topN: 500 }, 'topN'],
    [{ prompt: '' }, 'prompt'],
    [{ runId: 'a/b' }, 'runId'],
  ])('rejects %j with a message naming %s', (change, field) => {
    const result = generateRequestSchema.safeParse({ ...valid, ...change })
    expect(result.success).toBe(false)
    if (!result.success) expect(describeIssues(result.error)).toMatch(new RegExp(`^${field}: \\S`))
  })

  it('fills in defaults for a model load', () => {
    expect(loadModelRequestSchema.parse({ source: { kind: 'demo' } })).toEqual({
      source: { kind: 'demo' },
      contextSize: 0,
      gpuLayers: 'auto',
      threads: 0,
      batchSize: 0,
      force: false,
    })
    expect(loadModelRequestSchema.safeParse({ source: { kind: 'url' } }).success).toBe(false)
  })
})
