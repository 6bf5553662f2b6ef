import type { GeneratedToken } from '../../shared/contract'

/**
 * Collects tokens and hands them on at most every `intervalMs`: a 60 Hz UI gains nothing from
 * more frequent messages, and each message costs a hop through two processes. The first token
 * goes out at once: the reader is waiting for it, and the time to it is what they notice.
 */
export class TokenBatcher {
  private pending: GeneratedToken[] = []
  private timer: ReturnType<typeof setTimeout> | null = null
  private handedOn = false

  constructor(
    private readonly flushTo: (tokens: GeneratedToken[]) => void,
    private readonly intervalMs = 16,
  ) {}

  push(token: GeneratedToken): void {
    this.pending.push(token)
    if (!this.handedOn) return this.flush()
    this.timer ??= setTimeout(() => this.flush(), this.intervalMs)
  }

  flush(): void {
    if (this.timer) clearTimeout(this.timer)
    this.timer = null
    if (this.pending.length === 0) return
    const batch = this.pending
    this.pending = []
    this.handedOn = true
    this.flushTo(batch)
  }
}
