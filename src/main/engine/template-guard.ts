import { Worker } from 'node:worker_threads'
import { AppFailure } from '../../shared/errors'

/**
 * Chat templates are Jinja programs from the model file, and rendering them is synchronous: a
 * template with `range(30000)` inside `range(30000)` would hold the engine's event loop for hours
 * (Stop and getStatus get no answer), and `range(1e9)` exhausts V8's heap and ends the process.
 * Neither can be interrupted in-process, so before node-llama-cpp renders a template in the
 * engine, the same template is rendered once here in a worker thread, with the conversation at
 * hand, under a time budget, a heap limit and an output-size budget. A template that passes is
 * then rendered in-process only with that conversation or a part of it (dropped turns), so its
 * cost is bounded by what the worker measured. A worker that runs over is terminated.
 */

export const templateBudget = {
  /** Real templates render a long chat in milliseconds. */
  timeMs: 2_000,
  heapMb: 256,
  /** Output characters beyond the conversation's own text plus this per message. */
  charsPerMessage: 4_096,
  baseChars: 1_048_576,
}

export interface TemplateMessage {
  role: 'system' | 'user' | 'assistant'
  content: string
}

type Reply = { id: number; length: number } | { id: number; error: string }

// The worker's whole program: loads @huggingface/jinja (node-llama-cpp's Jinja engine) and renders.
const workerSource = `
const { parentPort, workerData } = require('node:worker_threads')
import(workerData.jinjaUrl).then(({ Template }) => {
  parentPort.on('message', ({ id, template, context, maxChars }) => {
    try {
      const text = new Template(template).render(context)
      if (text.length > maxChars) parentPort.postMessage({ id, error: 'output ' + text.length + ' characters long; the limit is ' + maxChars })
      else parentPort.postMessage({ id, length: text.length })
    } catch (error) {
      parentPort.postMessage({ id, error: String(error && error.message ? error.message : error).slice(0, 300) })
    }
  })
  parentPort.postMessage({ id: 0, length: 0 })
}, (error) => parentPort.postMessage({ id: 0, error: 'cannot load the template engine: ' + error }))
`

let worker: Worker | null = null
let ready: Promise<void> | null = null
let nextId = 1
const waiting = new Map<number, (reply: Reply) => void>()

function jinjaUrl(): string {
  return import.meta.resolve('@huggingface/jinja')
}

function startWorker(): Promise<void> {
  if (ready) return ready
  const started = new Worker(workerSource, {
    eval: true,
    workerData: { jinjaUrl: jinjaUrl() },
    resourceLimits: { maxOldGenerationSizeMb: templateBudget.heapMb, maxYoungGenerationSizeMb: 32 },
  })
  started.unref()
  worker = started
  ready = new Promise<void>((resolve, reject) => {
    waiting.set(0, (reply) => ('error' in reply ? reject(new Error(reply.error)) : resolve()))
  })
  started.on('message', (reply: Reply) => {
    const answer = waiting.get(reply.id)
    waiting.delete(reply.id)
    answer?.(reply)
  })
  const fail = (why: string) => {
    if (worker !== started) return
    worker = null
    ready = null
    const pending = [...waiting.values()]
    waiting.clear()
    pending.forEach((answer) => answer({ id: -1, error: why }))
  }
  started.on('error', (error: Error & { code?: string }) =>
    fail(
      error.code === 'ERR_WORKER_OUT_OF_MEMORY'
        ? `it needed more than ${templateBudget.heapMb} MB of memory`
        : error.message,
    ),
  )
  started.on('exit', () => fail('the template worker stopped'))
  return ready
}

function stopWorker(): void {
  const current = worker
  worker = null
  ready = null
  void current?.terminate()
}

/** Renders `template` in the worker; throws a clear AppFailure when it is over budget or fails. */
export async function checkChatTemplate(
  template: string,
  messages: TemplateMessage[],
  extra: Record<string, unknown> = {},
): Promise<{ ms: number; length: number }> {
  const startedAt = performance.now()
  const contentChars = messages.reduce((sum, m) => sum + m.content.length, 0)
  const maxChars =
    templateBudget.baseChars + 2 * contentChars + templateBudget.charsPerMessage * messages.length
  const fail = (why: string) =>
    new AppFailure({
      code: 'invalid-request',
      message: `This model's chat template cannot be used: ${why}.`,
      hint: 'Use Completion with this model, or pick a model with a working chat template.',
    })
  try {
    await startWorker()
  } catch (error) {
    throw fail(error instanceof Error ? error.message : String(error))
  }
  const current = worker
  if (!current) throw fail('the template worker did not start')
  const id = nextId++
  const reply = await new Promise<Reply>((resolve) => {
    const timer = setTimeout(() => {
      waiting.delete(id)
      stopWorker()
      resolve({ id, error: `rendering did not finish within ${templateBudget.timeMs / 1000} s` })
    }, templateBudget.timeMs)
    waiting.set(id, (answer) => {
      clearTimeout(timer)
      resolve(answer)
    })
    current.postMessage({
      id,
      template,
      context: { messages, add_generation_prompt: true, bos_token: '', eos_token: '', ...extra },
      maxChars,
    })
  })
  if ('error' in reply) throw fail(reply.error)
  return { ms: performance.now() - startedAt, length: reply.length }
}
