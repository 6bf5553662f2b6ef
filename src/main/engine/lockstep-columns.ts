import type { LlamaContext } from 'node-llama-cpp'

/**
 * Compare's columns are sequences of one context. node-llama-cpp decodes them in a loop: decode
 * the queued tokens together, let each column sample its step, and decode whatever is queued by
 * then. A column queues its next token only after its own sampling and bookkeeping, and the
 * columns sample one after another on libuv's single pool thread (host/engine-environment.ts), so
 * the last column to sample was never queued in time: four columns decoded in batches of three
 * (41 batches of 3 for 32 tokens a column, counted on the 152k model), a third more decodes than
 * steps. This makes the loop wait, after each batch, until every column still running has queued
 * its next token, or `waitMs` at most, so that a column busy elsewhere cannot stall the others.
 */
export interface Lockstep {
  /** A column's run ended (or failed): it queues no more tokens, so no batch waits for it. */
  columnEnded(): void
}

interface ContextInternals {
  _decodeTokens?: (options: DecodeOptions, mapper: unknown) => Promise<unknown>
  _scheduleDecode?: () => void
  _queuedDecodeSequenceIds?: ReadonlySet<number>
}

interface DecodeOptions {
  afterBatchAction?: (sequenceStateLength: number) => unknown
}

/** Without the internals it relies on (another node-llama-cpp), the loop is left as it is. */
export function lockstepColumns(context: LlamaContext, columns: number, waitMs = 20): Lockstep {
  const inner = context as unknown as ContextInternals
  const decode = inner._decodeTokens
  const schedule = inner._scheduleDecode
  if (
    typeof decode !== 'function' ||
    typeof schedule !== 'function' ||
    !(inner._queuedDecodeSequenceIds instanceof Set)
  )
    return { columnEnded: () => undefined }

  let running = columns
  let waiting: { resolve: () => void; timer: ReturnType<typeof setTimeout> } | null = null
  const allQueued = () => (inner._queuedDecodeSequenceIds?.size ?? running) >= running
  const stopWaiting = () => {
    if (!waiting) return
    clearTimeout(waiting.timer)
    waiting.resolve()
    waiting = null
  }
  const untilAllQueued = (): Promise<void> | undefined => {
    if (allQueued()) return undefined
    stopWaiting()
    return new Promise<void>((resolve) => {
      waiting = { resolve, timer: setTimeout(stopWaiting, waitMs) }
    })
  }

  // node-llama-cpp awaits each decoded item's after-batch action before it picks the next batch.
  inner._decodeTokens = function (this: unknown, options, mapper) {
    const after = options.afterBatchAction
    const afterBatchAction = async (sequenceStateLength: number) => {
      await untilAllQueued()
      return after?.(sequenceStateLength)
    }
    return decode.call(this, { ...options, afterBatchAction }, mapper)
  }
  // Called right after each token is queued.
  inner._scheduleDecode = function (this: unknown) {
    schedule.call(this)
    if (allQueued()) stopWaiting()
  }
  return {
    columnEnded() {
      running = Math.max(0, running - 1)
      if (allQueued()) stopWaiting()
    },
  }
}
