import { describe, expect, it } from 'vitest'
import {
  isLocalAddress,
  parseModelAddress,
  resolveModelUrl,
} from '../../src/main/host/download-policy'
import { partialPathFor } from '../../src/main/host/partial-files'

describe('download addresses', () => {
  it('turn hf: shorthand into a Hugging Face address, with an optional revision', () => {
    expect(resolveModelUrl(' hf:Qwen/Qwen2.5-GGUF/q4.gguf ').toString()).toBe(
      'https://huggingface.co/Qwen/Qwen2.5-GGUF/resolve/main/q4.gguf',
    )
    expect(resolveModelUrl('hf:a/b/sub/m+1.gguf#v1.0').toString()).toBe(
      'https://huggingface.co/a/b/resolve/v1.0/sub/m%2B1.gguf',
    )
  })

  it('explain each malformed hf: address in its own words', () => {
    expect(() => resolveModelUrl('hf:Qwen/Qwen2.5-GGUF')).toThrow(/names a repository/)
    expect(() => parseModelAddress('hf:Qwen')).toThrow(/does not name a file/)
    expect(() => parseModelAddress('hf:a b/c:Q4')).toThrow(/not a valid hf: address/)
    expect(() => parseModelAddress('hf:a/b:')).toThrow(/does not name a Hugging Face repository/)
    expect(() => resolveModelUrl('hf:a/b/../c.gguf')).toThrow(/does not name a file/)
    expect(() => resolveModelUrl('hf:a/b/c.gguf#x#y')).toThrow(/not a valid hf: address/)
    expect(() => resolveModelUrl('hf:a/b/readme.md')).toThrow(/does not name a \.gguf file/)
  })

  it('read hf:owner/repo[:QUANT][#revision] as a quantization to look up', () => {
    expect(parseModelAddress('hf:Qwen/Qwen2.5-GGUF:Q4_K_M')).toEqual({
      quant: { owner: 'Qwen', repo: 'Qwen2.5-GGUF', quant: 'Q4_K_M', revision: 'main' },
    })
    expect(parseModelAddress('hf:a/b#v2')).toEqual({
      quant: { owner: 'a', repo: 'b', quant: null, revision: 'v2' },
    })
  })

  it('accept only http(s) addresses of .gguf files without credentials', () => {
    expect(() => resolveModelUrl('ftp://example.com/a.gguf')).toThrow(/only http and https/i)
    expect(() => resolveModelUrl('file:///etc/a.gguf')).toThrow(/not file/)
    expect(() => resolveModelUrl('https://example.com/readme.txt')).toThrow(/\.gguf/)
    expect(() => resolveModelUrl('https://u:p@example.com/a.gguf')).toThrow(/password/)
    expect(() => resolveModelUrl('not an address')).toThrow(/not a web address/)
    expect(resolveModelUrl('https://example.com/m.GGUF').hostname).toBe('example.com')
  })
})

describe('local addresses', () => {
  it('classify loopback, private, link-local and mapped addresses as local', () => {
    for (const ip of [
      '127.0.0.1',
      '127.9.9.9',
      '10.1.2.3',
      '172.16.0.1',
      '172.31.255.255',
      '192.168.1.1',
      '169.254.169.254',
      '100.64.0.1',
      '0.0.0.0',
      '224.0.0.1',
      '::1',
      '::',
      'fe80::1',
      'fd00::1',
      '::ffff:127.0.0.1',
      '::ffff:10.0.0.1',
    ]) {
      expect(isLocalAddress(ip), ip).toBe(true)
    }
    for (const ip of ['8.8.8.8', '172.32.0.1', '1.1.1.1', '2606:4700::1111', '::ffff:8.8.8.8']) {
      expect(isLocalAddress(ip), ip).toBe(false)
    }
  })
})

describe('partial files', () => {
  it('are named per source address, so two downloads of one file name never share one', () => {
    const path = '/models/model.gguf'
    const a = partialPathFor(path, new URL('https://a.example/model.gguf'))
    const b = partialPathFor(path, new URL('https://b.example/model.gguf'))
    expect(a).not.toBe(b)
    expect(a).toBe(partialPathFor(path, new URL('https://a.example/model.gguf')))
    expect(a).toMatch(/^\/models\/model\.gguf\.[0-9a-f]{12}\.part$/)
    // A partial file never ends in .gguf, so no folder scan takes it for a model.
    expect(a.endsWith('.gguf')).toBe(false)
  })
})
