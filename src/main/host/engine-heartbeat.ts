export interface HeartbeatOptions {
  /** How often the engine is pinged (a getStatus call). */
  heartbeatMs?: number
  /** An engine that has not answered a ping for this long is hung: it is killed and restarted. */
  hangMs?: number
  /** The same while the engine has said it is in long synchronous work (`status.blockedBy`). */
  blockedHangMs?: number
}

/**
 * Pings an engine every few seconds. The engine is one event loop: one that does not answer a
 * cheap getStatus for `hangMs` is stuck in synchronous work (a runaway template, a parser loop)
 * and would never answer Stop either, so `onHang` is told why and ends it. Work the engine
 * announced (`blockedBy`, e.g. node-llama-cpp matching a chat template, seconds on a busy
 * machine) gets the longer `blockedHangMs`.
 */
export class EngineHeartbeat {
  private timer: ReturnType<typeof setInterval> | null = null
  private blockedBy: string | null = null
  private readonly heartbeatMs: number
  private readonly hangMs: number
  private readonly blockedHangMs: number

  constructor(options: HeartbeatOptions = {}) {
    this.heartbeatMs = options.heartbeatMs ?? 2_000
    this.hangMs = options.hangMs ?? 10_000
    this.blockedHangMs = options.blockedHangMs ?? 120_000
  }

  /** The engine's own word on what keeps it from answering (from its status), or null. */
  setBlockedBy(label: string | null): void {
    this.blockedBy = label
  }

  start(ping: () => Promise<unknown>, onHang: (reason: string) => void): void {
    this.stop()
    this.blockedBy = null
    let pingInFlight = false
    let ticksWaiting = 0
    let sentAt = 0
    const timer = setInterval(() => {
      if (pingInFlight) {
        // Counted in ticks as well as time: when the host itself stalls (a long synchronous
        // task), no ticks pass and the engine is not blamed for answers the host did not read.
        ticksWaiting++
        const limit = this.blockedBy ? this.blockedHangMs : this.hangMs
        if (ticksWaiting * this.heartbeatMs >= limit && Date.now() - sentAt >= limit) {
          const doing = this.blockedBy ? ` (${this.blockedBy.toLowerCase()})` : ''
          this.stop()
          onHang(
            `The engine stopped answering for ${Math.round(limit / 1000)} s${doing}, so Tokenscope ended it and started a new one.`,
          )
        }
        return
      }
      pingInFlight = true
      ticksWaiting = 0
      sentAt = Date.now()
      const settle = () => {
        pingInFlight = false
      }
      ping().then(settle, settle)
    }, this.heartbeatMs)
    timer.unref?.()
    this.timer = timer
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer)
    this.timer = null
  }
}
