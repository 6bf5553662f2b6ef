import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createRunRecorder } from '../../src/main/host/run-recorder'
import { createSessionStore } from '../../src/main/host/session-store'
import type { AppService, RunEvent, RunStats } from '../../src/shared/contract'
import { comparisonOf } from '../../src/shared/compare-tree'
import { replyText } from '../../src/shared/conversation'
import { AppFailure, toAppError } from '../../src/shared/errors'
import { defaultSampling } from '../../src/shared/schemas'
import { comparisonSession, emptyChat, fakeToken } from '../helpers/session-fixture'

const stats = (n: number): RunStats => ({
  promptTokens: 3,
  reusedPromptTokens: 0,
  evaluatedTokens: 3 + n,
  generatedTokens: n,
  timeToFirstTokenMs: 15,
  tokensPerSecond: 42,
})
const parts = { system: 0, history: 3, droppedMessages: 0, template: 'ChatML' }

function setup() {
  const directory = mkdtempSync(join(tmpdir(), 'tokenscope-recorder-'))
  const store = createSessionStore({ directory, flushMs: 10 })
  const logged: string[] = []
  const recorder = createRunRecorder(store, (line) => logged.push(line))
  let fail: Error | null = null
  const service = recorder.wrap({
    generate: async () => {
      if (fail) throw fail
    },
    generateMany: async () => {
      if (fail) throw fail
    },
  } as unknown as AppService)
  return { directory, store, recorder, service, logged, failNext: (e: Error) => (fail = e) }
}

const compare = (id: string) => comparisonSession(id, ['a', 'b'])

describe('run recorder', () => {
  it('turns a run event sequence into the reply it recorded', async () => {
    const { store, recorder, service, directory } = setup()
    await store.updateSession({ id: 's', intents: [{ type: 'created', document: emptyChat('s') }] })
    // The page sends the message, then asks for the reply: in that order, on one channel.
    void store.updateSession({
      id: 's',
      intents: [
        { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: emptyChat('s').updatedAt },
      ],
    })
    await service.generate({
      runId: 'run-1',
      chat: { messages: [{ role: 'user', content: 'Hi' }] },
      topN: 3,
      sampling: defaultSampling,
      maxTokens: 8,
      record: { sessionId: 's', target: { nodeId: 'r1' } },
    } as Parameters<AppService['generate']>[0])
    const tokens = [0, 1, 2, 3, 4].map((i) => fakeToken(i))
    const prompt = [
      { id: 1, text: '<|im_start|>' },
      { id: 2, text: 'Hi' },
    ]
    const events: RunEvent[] = [
      {
        runId: 'run-1',
        kind: 'started',
        prompt,
        forced: [],
        parts,
        contextSize: 512,
        sampling: defaultSampling,
      },
      {
        runId: 'run-1',
        kind: 'tokens',
        tokens: tokens.slice(0, 2),
        contextUsed: 5,
        stats: stats(2),
      },
      // Another run's events pass by too; they are not this session's.
      { runId: 'other', kind: 'tokens', tokens: [fakeToken(9)], contextUsed: 5, stats: stats(1) },
      { runId: 'run-1', kind: 'tokens', tokens: tokens.slice(2), contextUsed: 8, stats: stats(5) },
      { runId: 'run-1', kind: 'ended', reason: 'max-tokens', contextUsed: 8, stats: stats(5) },
    ]
    events.forEach(recorder.onRunEvent)
    expect(recorder.recording()).toBe(0)
    await store.flush()
    const doc = await createSessionStore({ directory }).loadSession({ id: 's' })
    const reply = doc.nodes.find((n) => n.id === 'r1')!
    expect(reply.run).toEqual({
      prompt,
      tokens,
      stopReason: 'max-tokens',
      sampling: defaultSampling,
      tokensPerSecond: 42,
      timeToFirstTokenMs: 15,
    })
    expect(reply.text).toBe(replyText(tokens, 'max-tokens'))
  })

  it('records a failed run, and a run whose generate call failed before it started', async () => {
    const { store, recorder, service, failNext } = setup()
    await store.updateSession({ id: 'f', intents: [{ type: 'created', document: emptyChat('f') }] })
    await store.updateSession({
      id: 'f',
      intents: [
        { type: 'sent', userId: 'u1', replyId: 'r1', text: 'Hi', now: emptyChat('f').updatedAt },
        { type: 'regenerated', nodeId: 'r1', replyId: 'r2', now: emptyChat('f').updatedAt },
      ],
    })
    const request = (runId: string, nodeId: string) =>
      ({
        runId,
        prompt: 'x',
        topN: 3,
        sampling: defaultSampling,
        maxTokens: 8,
        record: { sessionId: 'f', target: { nodeId } },
      }) as Parameters<AppService['generate']>[0]
    await service.generate(request('a', 'r1'))
    recorder.onRunEvent({
      runId: 'a',
      kind: 'started',
      prompt: [],
      forced: [],
      parts,
      contextSize: 9,
      sampling: defaultSampling,
    })
    recorder.onRunEvent({
      runId: 'a',
      kind: 'tokens',
      tokens: [fakeToken(1)],
      contextUsed: 1,
      stats: stats(1),
    })
    recorder.onRunEvent({
      runId: 'a',
      kind: 'failed',
      error: { code: 'engine-crashed', message: 'x' },
    })
    failNext(new AppFailure({ code: 'run-busy', message: 'busy' }))
    expect(
      toAppError(await service.generate(request('b', 'r2')).catch((e: unknown) => e)).code,
    ).toBe('run-busy')
    await store.flush()
    const doc = await store.loadSession({ id: 'f' })
    expect(doc.nodes[1]!.run).toMatchObject({ stopReason: 'failed', tokens: [fakeToken(1)] })
    expect(doc.nodes[2]!.run).toMatchObject({
      stopReason: 'failed',
      tokens: [],
      sampling: defaultSampling,
    })
  })

  it('records each column of a generateMany, and refuses a malformed record', async () => {
    const { store, recorder, service } = setup()
    await store.updateSession({ id: 'm', intents: [{ type: 'created', document: compare('m') }] })
    await service.generateMany({
      prompt: 'Once',
      topN: 3,
      runs: ['a', 'b'].map((column) => ({
        runId: `run-${column}`,
        sampling: defaultSampling,
        maxTokens: 8,
        record: { sessionId: 'm', target: { nodeId: `col-${column}` } },
      })),
    } as Parameters<AppService['generateMany']>[0])
    for (const column of ['a', 'b']) {
      const runId = `run-${column}`
      recorder.onRunEvent({
        runId,
        kind: 'started',
        prompt: [{ id: 3, text: 'Once' }],
        forced: [],
        parts,
        contextSize: 9,
        sampling: defaultSampling,
      })
      recorder.onRunEvent({
        runId,
        kind: 'tokens',
        tokens: [fakeToken(column === 'a' ? 1 : 2)],
        contextUsed: 2,
        stats: stats(1),
      })
      recorder.onRunEvent({
        runId,
        kind: 'ended',
        reason: 'end-of-generation',
        contextUsed: 2,
        stats: stats(1),
      })
    }
    await store.flush()
    const doc = await store.loadSession({ id: 'm' })
    expect(comparisonOf(doc.nodes)?.columns.map((c) => c.run?.tokens)).toEqual([
      [fakeToken(1)],
      [fakeToken(2)],
    ])
    const bad = await service
      .generate({
        runId: 'x',
        prompt: 'x',
        topN: 1,
        sampling: defaultSampling,
        maxTokens: 1,
        record: { sessionId: '../evil', target: { nodeId: 'n' } },
      } as Parameters<AppService['generate']>[0])
      .catch((e: unknown) => toAppError(e))
    expect(bad).toMatchObject({ code: 'invalid-request' })
    expect((bad as { message: string }).message).toMatch(/record\.sessionId/)
  })
})
