import { describe, expect, it } from 'vitest'
import { parseMarkdown, type ParsedMarkdown } from '../../src/renderer/src/lib/markdown-blocks'
import { parseOffThread } from '../../src/renderer/src/lib/markdown-off-thread'
import {
  interimParse,
  keepWholeParse,
  parseFor,
  wholeParseOf,
} from '../../src/renderer/src/lib/markdown-parse'
import { sameRendering } from '../../src/renderer/src/lib/markdown-signature'

const text = Array.from(
  { length: 40 },
  (_, i) =>
    `## Part ${i}\n\nThe *model* reads token ${i} and [links](https://example.com/${i}).\n\n- a\n- b`,
).join('\n\n')

describe('a finished text parsed whole elsewhere', () => {
  it('shows no blocks meanwhile when it was never streamed here, then the whole parse', async () => {
    const key = 'opened-whole'
    expect(interimParse(key, text).blocks).toEqual([])
    expect(wholeParseOf(key, text)).toBeUndefined()
    // Without a worker (as here, in Node) the text is parsed on this thread, in a later task.
    const blocks = await parseOffThread(text)
    expect(blocks).toEqual(parseMarkdown(text))
    keepWholeParse(key, text, blocks)
    const whole = wholeParseOf(key, text)
    expect(whole?.whole).toBe(true)
    expect(whole?.blocks).toEqual(blocks)
  })

  it('shows its streamed parse meanwhile, and keeps the streamed blocks the whole parse draws alike', () => {
    const key = 'streamed-then-whole'
    let streamed: ParsedMarkdown | null = null
    for (let end = 50; end < text.length; end += 50)
      streamed = parseFor(key, text.slice(0, end), true)
    const interim = interimParse(key, text)
    expect(interim.whole).toBe(false)
    expect(interim.blocks.slice(0, 10)).toEqual(streamed?.blocks.slice(0, 10))
    keepWholeParse(key, text, parseMarkdown(text))
    const whole = wholeParseOf(key, text)
    const reference = parseMarkdown(text)
    expect(whole?.blocks.length).toBe(reference.length)
    whole?.blocks.forEach((block, i) => expect(sameRendering(block, reference[i]!)).toBe(true))
    // Blocks the stream drew are the same objects: a finished reply is not drawn again.
    expect(whole?.blocks[0]).toBe(interim.blocks[0])
    expect(parseFor(key, text, false)).toBe(whole)
  })

  it('is asked for once however many views wait for it', () => {
    expect(parseOffThread(text)).toBe(parseOffThread(text))
  })
})

describe('a finished text that is mostly new to the view', () => {
  it('shows no blocks meanwhile rather than parsing the new text here', () => {
    const key = 'another-branch'
    const long = `${text}\n\n${text}`
    parseFor(key, long.slice(0, 500), true)
    expect(interimParse(key, long).blocks).toEqual([])
    // A last batch or so is parsed here: the streamed blocks show at once.
    expect(interimParse(key, long.slice(0, 2000)).blocks.length).toBeGreaterThan(0)
  })
})
