/**
 * Case 8: a long chat that no longer fits the context. The engine finds the oldest turns to
 * leave out with one tokenization per turn, so a 1,000-message chat on the demo model starts
 * generating within 2 s (8a), and Stop sent while it is being fitted is answered within 100 ms
 * (8b). Each run's messages are new text, so nothing is served from the tokenization cache.
 */
import type { EngineEndpoint } from './processes'
import type { ChatInput } from '../../src/shared/schemas'
import { limitRow, type BenchRow } from './stats'

const greedy = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 }
const messageCount = 1000

function chatOf(tag: string): ChatInput['messages'] {
  const messages: ChatInput['messages'] = []
  for (let i = 0; messages.length < messageCount - 1; i++) {
    messages.push({ role: 'user', content: `Question ${i} ${tag}: what does the context hold?` })
    messages.push({ role: 'assistant', content: `Answer ${i} ${tag}: the tokens the model sees.` })
  }
  messages.push({ role: 'user', content: 'And the newest question?' })
  return messages
}

interface LongChatOptions {
  runs: number
  beforeEach: () => Promise<void>
  log: (line: string) => void
}

export async function longChatCase(
  endpoint: EngineEndpoint,
  { runs, beforeEach, log }: LongChatOptions,
): Promise<BenchRow[]> {
  const { service, runs: watcher } = endpoint
  let counter = 0
  const request = (tag: string, maxTokens: number) => ({
    runId: `bench-long-chat-${++counter}`,
    chat: { system: 'Be brief.', messages: chatOf(tag) },
    sampling: greedy,
    maxTokens,
    topN: 20,
  })
  // The chat template is resolved and checked on the first chat: not part of the measure.
  const warmUp = request('warm-up', 1)
  const warmed = watcher.watch(warmUp.runId)
  await service.generate(warmUp)
  await warmed

  log(`case 8: ${runs} rounds, a ${messageCount}-message chat that needs trimming`)
  const startMs: number[] = []
  const stopMs: number[] = []
  for (let round = 0; round < runs; round++) {
    await beforeEach()
    const timed = request(`round ${round}`, 4)
    let startedAt = NaN
    const ended = watcher.watch(timed.runId, undefined, (at) => (startedAt = at))
    const sentAt = performance.now()
    await service.generate(timed)
    await ended
    startMs.push(startedAt - sentAt)

    await beforeEach()
    const stopped = request(`stop ${round}`, 4)
    const stoppedEnd = watcher.watch(stopped.runId).catch(() => null)
    await service.generate(stopped)
    const stopAt = performance.now()
    await service.cancel({ runId: stopped.runId })
    stopMs.push(performance.now() - stopAt)
    await stoppedEnd
  }
  return [
    limitRow(
      {
        id: '8a',
        measure: `Long chat (demo model): ${messageCount.toLocaleString('en')} messages that need trimming, generate → started`,
        unit: 'ms',
      },
      startMs,
      2000,
    ),
    limitRow(
      { id: '8b', measure: 'Long chat: Stop answered while it is being fitted', unit: 'ms' },
      stopMs,
      100,
    ),
  ]
}
