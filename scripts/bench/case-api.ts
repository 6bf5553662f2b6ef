/**
 * Case 2.api: tokens per second a client of Tokenscope's OpenAI-compatible API receives (streamed
 * completions with 20 log-probabilities per token) against a WebSocket client of the same serve
 * host asking for the same 20 alternatives, runs interleaved.
 */
import { defaultSampling, type SamplingSettings } from '../../src/shared/schemas'
import type { EngineBridge } from '../../src/shared/bridge'
import { ArrivalClock, type EngineEndpoint } from './processes'
import { interleave, ratioRow, type BenchRow } from './stats'
import type { RateCaseOptions } from './case-stack'

/** The short prompt that the rate rows continue. */
export const apiPrompt =
  'The quick brown fox jumps over the lazy dog. A token is a piece of text, and'
let runCounter = 0

/** Turns the host's API on (any free port) and returns its address and the key it made. */
export async function turnApiOn(stack: EngineEndpoint): Promise<{ url: string; key: string }> {
  const bridge = stack.service as unknown as EngineBridge
  const change = await bridge.setApiServer({ on: true, port: 0, recording: false })
  if (!change.status.url || !change.newKey) throw new Error('the API did not start with a new key')
  return { url: change.status.url, key: change.newKey }
}

export interface CompletionOptions {
  /** The case's short prompt when left out. */
  prompt?: string
  /** The WebSocket side's settings when left out. */
  sampling?: SamplingSettings
}

/**
 * One streamed completion from an OpenAI-compatible server; `onTokens` sees each server-sent
 * event's tokens where they arrive (in OpenAI's completion format or llama-server's chat format).
 */
export async function streamCompletion(
  api: { url: string; key: string },
  maxTokens: number,
  topN: number,
  onTokens: (count: number, at: number) => void,
  options: CompletionOptions = {},
): Promise<void> {
  const sampling = options.sampling ?? defaultSampling
  const response = await fetch(`${api.url}/completions`, {
    method: 'POST',
    headers: { authorization: `Bearer ${api.key}`, 'content-type': 'application/json' },
    body: JSON.stringify({
      model: 'bench',
      prompt: options.prompt ?? apiPrompt,
      max_tokens: maxTokens,
      stream: true,
      logprobs: topN,
      temperature: sampling.temperature,
      top_k: sampling.topK,
      top_p: sampling.topP,
      min_p: sampling.minP,
      // The WebSocket side's seed: no run can end at its first token by chance (a random seed
      // once drew end-of-text there, leaving no rate).
      seed: sampling.seed,
    }),
  })
  if (!response.ok || !response.body) throw new Error(`API answered ${response.status}`)
  const decoder = new TextDecoder()
  let pending = ''
  for await (const chunk of response.body) {
    pending += decoder.decode(chunk as Uint8Array, { stream: true })
    const events = pending.split('\n\n')
    pending = events.pop() ?? ''
    const at = performance.now()
    for (const event of events) {
      const data = event.replace(/^data: /, '')
      if (data === '[DONE]' || data.trim() === '') continue
      const parsed = JSON.parse(data) as {
        choices?: { logprobs?: { tokens?: unknown[]; content?: unknown[] } | null }[]
        error?: unknown
      }
      if (parsed.error !== undefined)
        throw new Error(`the server streamed an error: ${JSON.stringify(parsed.error)}`)
      const logprobs = parsed.choices?.[0]?.logprobs
      const count = logprobs?.tokens?.length ?? logprobs?.content?.length ?? 0
      if (count > 0) onTokens(count, at)
    }
  }
}

/** Tokens per second of one streamed completion, timed where its tokens arrive. */
export async function apiRate(
  api: { url: string; key: string },
  maxTokens: number,
  topN: number,
  sampling: SamplingSettings = defaultSampling,
) {
  const clock = new ArrivalClock()
  await streamCompletion(api, maxTokens, topN, clock.onTokens, { sampling })
  return clock.tokensPerSecond
}

export async function socketRate(
  stack: EngineEndpoint,
  maxTokens: number,
  topN: number,
  sampling: SamplingSettings = defaultSampling,
) {
  const runId = `bench-api-${++runCounter}`
  const clock = new ArrivalClock()
  const ended = stack.runs.watch(runId, clock.onTokens)
  await stack.service.generate({ runId, prompt: apiPrompt, sampling, maxTokens, topN })
  await ended
  return clock.tokensPerSecond
}

export async function apiCase(
  stack: EngineEndpoint,
  options: RateCaseOptions,
): Promise<BenchRow[]> {
  const { runs, generatedTokens } = options
  const topN = 20
  options.log(`case 2.api: ${runs} × ${generatedTokens} tokens, API client vs WebSocket client`)
  const api = await turnApiOn(stack)
  const pairs = await interleave(
    runs,
    () => apiRate(api, generatedTokens, topN, options.sampling),
    () => socketRate(stack, generatedTokens, topN, options.sampling),
    { beforeEach: options.beforeEach },
  )
  return [
    ratioRow(
      {
        id: '2.api',
        measure: `OpenAI-compatible API (streamed, logprobs ${topN}) vs the UI's WebSocket, same host`,
        unit: 'tok/s',
      },
      pairs,
      { atLeast: 0.95 },
    ),
  ]
}
