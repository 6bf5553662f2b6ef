import { describe, expect, it } from 'vitest'
import { contextWarning, readTrainedContext, scaledReach } from '../../src/main/engine/context-fit'

describe('a context against the one the model was trained on', () => {
  it('says nothing within the trained context, or when the file does not say', () => {
    const trained = readTrainedContext({ context_length: 2048 })
    expect(trained).toEqual({ size: 2048, scaling: null })
    expect(contextWarning(2048, trained)).toBeNull()
    expect(contextWarning(1_000_000, readTrainedContext({}))).toBeNull()
  })

  it('flags a larger context, and says that no RoPE scaling stretches it', () => {
    const warning = contextWarning(1_000_000, readTrainedContext({ context_length: 2048 }))
    expect(warning).toContain('trained on 2,048 tokens')
    expect(warning).toContain('1,000,000 goes beyond')
    expect(warning).toContain('declares no RoPE scaling')
  })

  it('explains YaRN scaling and what it is meant to reach', () => {
    const trained = readTrainedContext({
      context_length: 32_768,
      rope: { scaling: { type: 'yarn', factor: 4, original_context_length: 32_768 } },
    })
    expect(scaledReach(trained)).toBe(131_072)
    const within = contextWarning(100_000, trained)
    expect(within).toContain('YaRN RoPE scaling')
    expect(within).toContain('by 4× (from 32,768 tokens)')
    expect(within).toContain('meant to reach about 131,072 tokens')
    expect(contextWarning(200_000, trained)).toContain('not meant to go past about 131,072')
  })

  it('reads the older linear scale key, and ignores scaling "none"', () => {
    const linear = readTrainedContext({ context_length: 4096, rope: { scale_linear: 2 } })
    expect(linear.scaling).toEqual({ type: 'linear', factor: 2, originalContext: null })
    expect(contextWarning(8192, linear)).toContain('linear RoPE scaling')
    const none = readTrainedContext({ context_length: 4096, rope: { scaling: { type: 'none' } } })
    expect(none.scaling).toBeNull()
  })
})
