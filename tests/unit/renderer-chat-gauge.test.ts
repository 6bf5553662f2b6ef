import { describe, expect, it } from 'vitest'
import {
  chatGauge,
  droppedNotice,
  gaugeWarning,
} from '../../src/renderer/src/views/chat/chat-gauge'

const parts = { system: 20, history: 300, droppedMessages: 0, template: 'ChatML' }

describe('chat context gauge', () => {
  it('splits the context into system, earlier turns, reply and what the reply may still use', () => {
    const g = chatGauge({
      size: 2048,
      parts,
      promptCount: 320,
      replyTokens: 50,
      maxTokens: 256,
      generating: true,
    })
    expect(g).toMatchObject({ system: 20, history: 300, reply: 50, reserve: 206, used: 370 })
    expect(g.free).toBe(2048 - 370 - 206)
    expect(g.level).toBe('ok')
    const idle = chatGauge({
      size: 2048,
      parts,
      promptCount: 320,
      replyTokens: 50,
      maxTokens: 256,
      generating: false,
    })
    expect(idle.reserve).toBe(256)
  })

  it('caps what the next reply may use by the room left', () => {
    const g = chatGauge({
      size: 400,
      parts,
      promptCount: 320,
      replyTokens: 50,
      maxTokens: 256,
      generating: true,
    })
    expect(g.reserve).toBe(30)
    expect(g.free).toBe(0)
  })

  it('falls back to the prompt length when the engine’s split is not known', () => {
    const g = chatGauge({
      size: 2048,
      parts: null,
      promptCount: 123,
      replyTokens: 7,
      maxTokens: 16,
      generating: false,
    })
    expect(g).toMatchObject({ system: 0, history: 123, reply: 7, used: 130, dropped: 0 })
  })

  it('warns at 80% and at 95%', () => {
    const at = (used: number) =>
      chatGauge({
        size: 1000,
        parts: null,
        promptCount: used,
        replyTokens: 0,
        maxTokens: 1,
        generating: false,
      }).level
    expect(at(799)).toBe('ok')
    expect(at(800)).toBe('warn')
    expect(at(949)).toBe('warn')
    expect(at(950)).toBe('critical')
    expect(gaugeWarning('ok')).toBeNull()
    expect(gaugeWarning('warn')).toMatch(/80%/)
    expect(gaugeWarning('critical')).toMatch(/95%/)
  })

  it('says how many old messages were left out', () => {
    expect(droppedNotice(0)).toBeNull()
    expect(droppedNotice(1)).toMatch(/^The oldest message no longer fits/)
    expect(droppedNotice(4)).toMatch(
      /^The 4 oldest messages no longer fit .* left out of this reply/,
    )
    const g = chatGauge({
      size: 100,
      parts: { ...parts, droppedMessages: 4 },
      promptCount: 0,
      replyTokens: 0,
      maxTokens: 1,
      generating: true,
    })
    expect(g.dropped).toBe(4)
  })
})
