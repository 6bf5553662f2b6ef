import type { GeneratedToken, RunEvent, RunStats, StopReason } from '../../shared/contract'
import { AppFailure, toAppError, type AppError } from '../../shared/errors'
import type { ValidGenerateRequest } from '../../shared/schemas'
import type { SavedEndpoint } from './endpoint-store'
import { tokenFromEntry } from './logprob-tokens'
import { remoteFetch } from './remote-http'
import { remoteRequestBody } from './remote-request'
import { createSseParser } from './sse-parser'
import { readStreamChunk } from './stream-chunk'

const stopReasons: Record<string, StopReason> = {
  stop: 'end-of-generation',
  eos: 'end-of-generation',
  length: 'max-tokens',
}

/**
 * One run on a remote engine, reported as the local engine reports one: `started`, `tokens` as
 * they stream, then exactly one `ended` or `failed`. The returned promise settles once the server
 * has answered: a refusal (unreachable, wrong key, unknown model) rejects it and emits nothing;
 * after that every failure is a `failed` event, and the tokens already sent stay with the run.
 */
export async function startRemoteRun(
  request: ValidGenerateRequest,
  endpoint: SavedEndpoint,
  model: string,
  signal: AbortSignal,
  emit: (event: RunEvent) => void,
): Promise<void> {
  if (request.forcedTokens.length > 0) {
    throw new AppFailure({
      code: 'invalid-request',
      message: 'A remote engine cannot continue from a picked token.',
      hint: 'Branching needs the local engine’s prompt cache; switch to the local engine for it.',
    })
  }
  const kind = request.chat ? 'chat' : 'completion'
  const { path, body } = remoteRequestBody(request, model, endpoint.probabilities)
  const startedAt = performance.now()
  const response = await remoteFetch(endpoint, path, { body, signal, model })
  const { runId } = request
  emit({
    kind: 'started',
    runId,
    prompt: [],
    forced: [],
    parts: { system: 0, history: 0, droppedMessages: 0, template: null },
    contextSize: 0,
    sampling: request.sampling,
  })
  void readStream(response, { runId, kind, endpoint, startedAt, signal, emit })
}

interface StreamContext {
  runId: string
  kind: 'chat' | 'completion'
  endpoint: SavedEndpoint
  startedAt: number
  signal: AbortSignal
  emit: (event: RunEvent) => void
}

async function readStream(response: Response, context: StreamContext): Promise<void> {
  const { runId, kind, endpoint, emit } = context
  const parser = createSseParser()
  const decoder = new TextDecoder()
  let count = 0
  let promptTokens = 0
  let firstTokenAt: number | null = null
  let finish: string | null = null
  let done = false

  const stats = (): RunStats => {
    const elapsed = firstTokenAt === null ? 0 : performance.now() - firstTokenAt
    return {
      promptTokens,
      reusedPromptTokens: 0,
      evaluatedTokens: count,
      generatedTokens: count,
      timeToFirstTokenMs: firstTokenAt === null ? null : firstTokenAt - context.startedAt,
      tokensPerSecond: count > 1 && elapsed > 0 ? ((count - 1) * 1000) / elapsed : null,
    }
  }
  const fail = (error: AppError) => emit({ kind: 'failed', runId, error })
  const cut = (why: string): AppError => ({
    code: 'remote-failed',
    message: `The stream from ${endpoint.url} was cut after ${count} token${count === 1 ? '' : 's'} (${why}); the partial reply is kept.`,
    hint: 'Check that the server is still running, then regenerate or continue.',
  })

  /** Reads the events of one piece of the body; returns an error that ends the run, or null. */
  function take(events: string[]): AppError | null {
    const tokens: GeneratedToken[] = []
    for (const data of events) {
      if (data.trim() === '[DONE]') {
        done = true
        break
      }
      const chunk = readStreamChunk(data, kind)
      if (chunk.error)
        return {
          code: 'remote-failed',
          message: `${endpoint.url} reported an error mid-run: ${chunk.error}`,
        }
      if (chunk.unreadable) return cut('the server sent an event that is not a completion chunk')
      if (chunk.promptTokens !== null) promptTokens = chunk.promptTokens
      if (chunk.hasText && chunk.entries.length === 0) {
        return {
          code: 'remote-no-logprobs',
          message: `${endpoint.url} streamed text without log-probabilities, so there is nothing to inspect.`,
          hint: 'Use a server that returns logprobs (llama-server, vLLM, SGLang, Ollama ≥ 0.12, LM Studio, Tokenscope).',
        }
      }
      for (const { entry, thought } of chunk.entries) {
        tokens.push(
          tokenFromEntry(entry, endpoint.probabilities, count, thought ? 'thought' : undefined),
        )
        count++
      }
      if (chunk.finish) finish = chunk.finish
    }
    if (tokens.length > 0) {
      firstTokenAt ??= performance.now()
      emit({ kind: 'tokens', runId, tokens, contextUsed: promptTokens + count, stats: stats() })
    }
    return null
  }

  const cancelled = () =>
    emit({
      kind: 'ended',
      runId,
      reason: 'cancelled',
      contextUsed: promptTokens + count,
      stats: stats(),
    })

  try {
    const reader = response.body?.getReader()
    if (!reader) return fail(cut('the answer had no body'))
    // Aborting the fetch does not always end a body whose reader is locked (undici cancels the
    // stream, which a lock refuses), so Stop cancels the reader itself: the read ends at once.
    const stop = () => void reader.cancel().catch(() => undefined)
    if (context.signal.aborted) stop()
    else context.signal.addEventListener('abort', stop, { once: true })
    for (;;) {
      const { value, done: ended } = await reader.read()
      const error = take(ended ? [] : parser.push(decoder.decode(value, { stream: true })))
      if (error) {
        await reader.cancel().catch(() => undefined)
        return fail(error)
      }
      if (done || ended) break
    }
    context.signal.removeEventListener('abort', stop)
    if (context.signal.aborted) return cancelled()
    if (!done) {
      const last = parser.end()
      const error = take(last === null ? [] : [last])
      if (error) return fail(error)
    }
    if (!done && finish === null)
      return fail(cut('it ended before the server said the reply was complete'))
    const reason = stopReasons[finish ?? 'stop'] ?? 'end-of-generation'
    emit({ kind: 'ended', runId, reason, contextUsed: promptTokens + count, stats: stats() })
  } catch (error) {
    if (context.signal.aborted) return cancelled()
    const message = toAppError(error).message
    fail(
      cut(
        /terminated|reset|socket|closed/i.test(message)
          ? 'the connection closed'
          : message.slice(0, 200),
      ),
    )
  }
}
