import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ChatInput } from '../../src/shared/schemas'
import { EngineHarness } from '../helpers/engine-harness'

// A benchmark-style test: it reports how long fitting a long chat takes, and asserts only what
// the trimming chose (no timed assertions).
const greedy = { temperature: 0, topK: 0, topP: 1, minP: 0, seed: 1 }
let harness: EngineHarness

beforeAll(async () => {
  harness = new EngineHarness()
  await harness.engine.loadModel({ source: { kind: 'demo' } })
}, 120_000)
afterAll(() => harness.stop())

/** `tag` makes every text new, so no tokenization is cached from an earlier chat. */
function chatOf(count: number, tag = ''): ChatInput['messages'] {
  const messages: ChatInput['messages'] = []
  for (let i = 0; messages.length < count - 1; i++) {
    messages.push({ role: 'user', content: `Question ${i}${tag}: what does the context hold?` })
    messages.push({ role: 'assistant', content: `Answer ${i}${tag}: the tokens the model sees.` })
  }
  messages.push({ role: 'user', content: 'And the newest question?' })
  return messages
}

async function timedRun(messages: ChatInput['messages']) {
  const request = harness.request({
    chat: { system: 'Be brief.', messages },
    sampling: greedy,
    maxTokens: 8,
  })
  const sentAt = performance.now()
  await harness.engine.generate(request)
  const started = await harness.until(
    () =>
      harness.eventsOf(request.runId).find((e) => e.kind === 'started' || e.kind === 'failed') ??
      null,
    'the run to start',
    300_000,
  )
  const startMs = Math.round(performance.now() - sentAt)
  await harness.waitForEnd(request.runId)
  return { started, startMs }
}

describe('fitting a long chat into the context', () => {
  it('starts 200, 400 and 1,000-message chats that need trimming, dropping as few turns as fit', async () => {
    // The model's chat template is resolved (and checked) on its first chat: not part of this.
    await timedRun(chatOf(3, ' warm-up'))
    const times: Record<number, number> = {}
    for (const count of [200, 400, 1000]) {
      const messages = chatOf(count, ` of ${count}`)
      const { started, startMs } = await timedRun(messages)
      times[count] = startMs
      expect(started.kind).toBe('started')
      if (started.kind !== 'started') continue
      const dropped = started.parts.droppedMessages
      expect(dropped).toBeGreaterThan(0)
      // As few as possible: what was kept fits as it is, and one more exchange would not.
      const kept = await timedRun(messages.slice(dropped))
      expect(kept.started.kind === 'started' && kept.started.parts.droppedMessages).toBe(0)
      const oneMore = await timedRun(messages.slice(dropped - 2))
      expect(oneMore.started.kind === 'started' && oneMore.started.parts.droppedMessages).toBe(2)
    }
    console.log('time from generate to the started event, by chat length (ms):', times)
  }, 600_000)

  it('answers status and Stop while a 1,000-message chat is being fitted', async () => {
    const messages = chatOf(1000).map((m, i) => ({ ...m, content: `${m.content} (${i})` }))
    const request = harness.request({
      chat: { system: 'Be brief.', messages },
      sampling: greedy,
      maxTokens: 8,
    })
    await harness.engine.generate(request)
    const statusAt = performance.now()
    await harness.engine.getStatus()
    const statusMs = Math.round(performance.now() - statusAt)
    const stopAt = performance.now()
    await harness.engine.cancel({ runId: request.runId })
    const stopMs = Math.round(performance.now() - stopAt)
    const events = await harness.waitForEnd(request.runId)
    console.log(
      `during fitting: getStatus answered in ${statusMs} ms, Stop in ${stopMs} ms; the run ended with`,
      events.at(-1)?.kind,
    )
    expect(events.at(-1)?.kind).toMatch(/ended|failed/)
    const after = await harness.generate({ maxTokens: 2 })
    expect(after.tokens.length).toBeGreaterThan(0)
  }, 120_000)
})
