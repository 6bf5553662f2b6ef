import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import type { EngineService, RunEvent } from '../../src/shared/contract'
import { toAppError } from '../../src/shared/errors'
import { jsonCodec, serveEngine } from '../../src/shared/rpc'
import { connectToEngine } from '../../src/renderer/src/services/engine-connection'

/** Just enough of the browser's WebSocket to drive the connection by hand. */
class FakeSocket {
  static readonly OPEN = 1
  static all: FakeSocket[] = []
  readyState = 0
  sent: string[] = []
  onopen: (() => void) | null = null
  onmessage: ((event: { data: string }) => void) | null = null
  onclose: (() => void) | null = null
  constructor(readonly url: string) {
    FakeSocket.all.push(this)
  }
  send(text: string) {
    this.sent.push(text)
  }
  open() {
    this.readyState = FakeSocket.OPEN
    this.onopen?.()
  }
  drop() {
    this.readyState = 3
    this.onclose?.()
  }
  /** Answers the last call this socket carried. */
  answer(result: unknown) {
    const { i } = JSON.parse(this.sent.at(-1) ?? '{}') as { i: string }
    this.onmessage?.({ data: JSON.stringify({ t: 's', i, r: result }) })
  }
}

const latest = () => FakeSocket.all.at(-1) as FakeSocket
const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (e: unknown) => toAppError(e),
  )

describe('the browser connection to the serve host', () => {
  beforeEach(() => {
    FakeSocket.all = []
    vi.useFakeTimers()
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.stubGlobal('window', { location: { protocol: 'http:', host: 'h', search: '?token=t' } })
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  it('fails the calls of a dropped socket, drops what it had queued, and carries on after', async () => {
    const { bridge } = connectToEngine()
    latest().open()
    const inFlight = failure(bridge.tokenize({ text: 'hi' }))
    await vi.waitFor(() => expect(latest().sent).toHaveLength(1))
    latest().drop()
    expect(await inFlight).toMatchObject({ code: 'engine-unavailable' })

    // Asked while the host is away: waits for the next attempt, which fails too.
    const queued = failure(bridge.getStatus())
    await vi.advanceTimersByTimeAsync(250)
    latest().drop()
    expect(await queued).toMatchObject({ code: 'engine-unavailable' })

    await vi.advanceTimersByTimeAsync(500)
    latest().open()
    expect(latest().sent).toEqual([]) // the failed call never runs late
    const status = bridge.getStatus()
    await vi.waitFor(() => expect(latest().sent).toHaveLength(1))
    latest().answer({ state: 'ready' })
    expect(await status).toEqual({ state: 'ready' })
  })
})

describe("the page's connection and the runs it follows", () => {
  beforeEach(() => {
    FakeSocket.all = []
    vi.useFakeTimers()
    vi.stubGlobal('WebSocket', FakeSocket)
    vi.stubGlobal('window', { location: { protocol: 'http:', host: 'h', search: '' } })
    // No frames in Node: the connection's fallback timer hands the events over instead.
    vi.stubGlobal('requestAnimationFrame', () => 1)
    vi.stubGlobal('cancelAnimationFrame', () => undefined)
    vi.resetModules()
  })
  afterEach(() => {
    vi.unstubAllGlobals()
    vi.useRealTimers()
  })

  /** What the host's side of the link writes when it pushes run events. */
  const hostPush = async (events: RunEvent[]) => {
    const written: string[] = []
    const host = serveEngine(
      { post: (m) => written.push(m as string), on: () => undefined },
      {} as EngineService,
      jsonCodec,
    )
    for (const event of events) await host.onRunEvent(event)
    written.forEach((data) => latest().onmessage?.({ data }))
  }
  const ended = (runId: string) => ({ runId, kind: 'ended', reason: 'max-tokens' }) as RunEvent
  const failed = (runId: string) =>
    ({ runId, kind: 'failed', error: { code: 'run-busy', message: 'busy' } }) as RunEvent

  it("hands each run's events to its caller's callback, and the others to the engine store", async () => {
    const { getConnection } = await import('../../src/renderer/src/services/engine-connection')
    const { engineStore } = await import('../../src/renderer/src/stores/stores')
    const connection = getConnection()
    latest().open()
    const got: RunEvent[][] = []
    connection.followRun('mine', 'completion', (events) => got.push([...events]))
    expect(engineStore.getState().pageRuns).toEqual({ mine: 'completion' })

    await hostPush([{ runId: 'other', kind: 'started' } as RunEvent, ended('mine')])
    expect(engineStore.getState().otherRunId).toBe('other')
    expect(got).toEqual([]) // held until the frame is over
    await vi.advanceTimersByTimeAsync(250)
    expect(got).toEqual([[ended('mine')]])
    expect(engineStore.getState().pageRuns).toEqual({})

    connection.followRun('failing', 'chat', () => undefined)
    await hostPush([failed('failing')])
    await vi.advanceTimersByTimeAsync(250)
    expect(engineStore.getState().banner).toMatchObject({ code: 'run-busy' })

    connection.followRun('cut', 'compare', () => undefined)
    latest().drop()
    expect(engineStore.getState().pageRuns).toEqual({})
  })

  /** Resolves once messages posted to ports before it have been delivered. */
  const afterPortMessages = () =>
    new Promise<void>((resolve) => {
      const { port1, port2 } = new MessageChannel()
      port1.onmessage = () => {
        port1.close()
        resolve()
      }
      port2.postMessage(null)
    })

  it('hands a fast stream over at a frame, and then no more often than every 50 ms', async () => {
    // Timers and the clock are fake, port messages real: the hand-over is one, let through below.
    vi.useRealTimers()
    vi.useFakeTimers({
      toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'performance'],
    })
    // Frames every 16 ms, as a browser draws them.
    vi.stubGlobal('requestAnimationFrame', (callback: () => void) => setTimeout(callback, 16))
    vi.stubGlobal('cancelAnimationFrame', (id: ReturnType<typeof setTimeout>) => clearTimeout(id))
    const { getConnection } = await import('../../src/renderer/src/services/engine-connection')
    const connection = getConnection()
    latest().open()
    const handedAt: number[] = []
    connection.followRun('fast', 'completion', () => handedAt.push(performance.now()))
    const token = { runId: 'fast', kind: 'tokens', tokens: [] } as unknown as RunEvent
    const start = performance.now()
    // A token every 5 ms for 300 ms: 60 batches.
    for (let at = 0; at < 300; at += 5) {
      await hostPush([token])
      await vi.advanceTimersByTimeAsync(5)
      await afterPortMessages()
    }
    expect(handedAt[0]! - start).toBeLessThan(40)
    const spacings = handedAt.slice(1).map((t, i) => t - handedAt[i]!)
    expect(spacings.length).toBeGreaterThanOrEqual(3)
    for (const spacing of spacings) expect(spacing).toBeGreaterThanOrEqual(50)
  })
})
