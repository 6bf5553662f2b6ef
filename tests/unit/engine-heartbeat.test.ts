import { afterEach, describe, expect, it, vi } from 'vitest'
import { EngineHeartbeat } from '../../src/main/host/engine-heartbeat'

const never = () => new Promise<never>(() => undefined)

describe('the engine heartbeat', () => {
  afterEach(() => {
    vi.useRealTimers()
  })

  it('reports a hang once a ping has gone unanswered for hangMs', () => {
    vi.useFakeTimers()
    const heartbeat = new EngineHeartbeat({ heartbeatMs: 1_000, hangMs: 10_000 })
    const hangs: string[] = []
    heartbeat.start(never, (reason) => hangs.push(reason))
    vi.advanceTimersByTime(10_500)
    expect(hangs).toEqual([])
    vi.advanceTimersByTime(1_000)
    expect(hangs).toEqual([
      'The engine stopped answering for 10 s, so Tokenscope ended it and started a new one.',
    ])
    vi.advanceTimersByTime(60_000)
    expect(hangs).toHaveLength(1)
  })

  it('waits blockedHangMs while the engine has announced blocking work, and names it', () => {
    vi.useFakeTimers()
    const heartbeat = new EngineHeartbeat({
      heartbeatMs: 1_000,
      hangMs: 10_000,
      blockedHangMs: 60_000,
    })
    const hangs: string[] = []
    heartbeat.start(never, (reason) => hangs.push(reason))
    heartbeat.setBlockedBy('Matching the chat template')
    vi.advanceTimersByTime(59_500)
    expect(hangs).toEqual([])
    vi.advanceTimersByTime(2_000)
    expect(hangs).toEqual([
      'The engine stopped answering for 60 s (matching the chat template), so Tokenscope ended it and started a new one.',
    ])
  })

  it('goes back to hangMs when the blocking work ends, and never blames an engine that answers', async () => {
    vi.useFakeTimers()
    const heartbeat = new EngineHeartbeat({ heartbeatMs: 1_000, hangMs: 5_000 })
    let answer = true
    const hangs: string[] = []
    heartbeat.start(
      () => (answer ? Promise.resolve() : never()),
      (reason) => hangs.push(reason),
    )
    await vi.advanceTimersByTimeAsync(30_000)
    expect(hangs).toEqual([])
    heartbeat.setBlockedBy('Matching the chat template')
    heartbeat.setBlockedBy(null)
    answer = false
    await vi.advanceTimersByTimeAsync(7_000)
    expect(hangs).toHaveLength(1)
    heartbeat.stop()
  })
})
