import { describe, expect, it } from 'vitest'
import type { GeneratedToken } from '../../src/shared/contract'
import { defaultSampling } from '../../src/shared/schemas'
import {
  cutIntoPieces,
  jsonInSlices,
  jsonParts,
  writeJsonInSlices,
  type JsonSliceOptions,
} from '../../src/shared/session-json'
import { sessionDocumentSchema, type SessionDocument } from '../../src/shared/sessions'

const at = '2026-11-22T10:00:00.000Z'

function token(position: number, alternatives: number): GeneratedToken {
  const candidate = (id: number) => ({
    id,
    text: id % 7 === 0 ? ` "quoted" \\ é\n😀` : ` w${id}`,
    logit: 12.5 - id / 3,
    modelProb: 1 / (id + 2),
    samplingProb: id === 0 ? 0.75 : 0,
  })
  return {
    ...candidate(position % 500),
    position,
    rank: 1,
    entropyBits: 2.25,
    alternatives: Array.from({ length: alternatives }, (_, i) => candidate(i)),
    tailMass: 0.0125,
    ...(position % 50 === 0 ? { segment: 'thought' as const } : {}),
  }
}

/** A Completion session with one run of `tokens` tokens and `alternatives` per token. */
function longRun(tokens: number, alternatives: number): SessionDocument {
  return {
    schemaVersion: 1,
    id: 'long-run',
    title: 'A token is',
    kind: 'completion',
    createdAt: at,
    updatedAt: at,
    system: '',
    model: { name: 'Tokenscope Demo', fileName: 'tokenscope-demo.gguf', sha256: null },
    settings: { sampling: defaultSampling, maxTokens: tokens, topN: alternatives },
    nodes: [
      { id: 'p', parentId: null, role: 'prompt', text: 'A token is', run: null, createdAt: at },
      {
        id: 'c',
        parentId: 'p',
        role: 'completion',
        text: 'x'.repeat(tokens),
        run: {
          prompt: Array.from({ length: 100 }, (_, id) => ({ id, text: ` p${id}` })),
          tokens: Array.from({ length: tokens }, (_, i) => token(i, alternatives)),
          stopReason: 'max-tokens',
          sampling: defaultSampling,
          tokensPerSecond: 812.5,
          timeToFirstTokenMs: null,
        },
        createdAt: at,
      },
    ],
    currentLeafId: 'c',
  }
}

async function writeJsonInSlicesToText(value: unknown, options: JsonSliceOptions) {
  const pieces: string[] = []
  await writeJsonInSlices(value, (piece) => void pieces.push(piece), options)
  return pieces.join('')
}

const loneSurrogate = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/

/** A clock that moves 1 ms each time it is read, and counts the yields. */
function fakeTime() {
  let time = 0
  const state = { yields: 0 }
  return {
    state,
    now: () => time++,
    yieldToLoop: async () => {
      state.yields++
    },
  }
}

describe('sliced session JSON', () => {
  it('writes exactly what JSON.stringify writes for a long run with 20 alternatives a token', async () => {
    const doc = longRun(2000, 20)
    const expected = JSON.stringify(doc)
    const text = await jsonInSlices(doc)
    expect(text).toBe(expected)
    expect(JSON.parse(text)).toEqual(JSON.parse(expected))
    expect(sessionDocumentSchema.parse(JSON.parse(text))).toEqual(doc)
  })

  it('gives the thread back between slices, and only between slices', async () => {
    const doc = longRun(300, 20)
    const clock = fakeTime()
    // Every read of the clock is 1 ms: a 4 ms slice ends after a few parts.
    const text = await jsonInSlices(doc, { sliceMs: 4, ...clock })
    expect(text).toBe(JSON.stringify(doc))
    expect(clock.state.yields).toBeGreaterThan(10)

    const never = fakeTime()
    const text2 = await writeJsonInSlicesToText(doc, {
      sliceMs: Number.POSITIVE_INFINITY,
      pieceChars: 1 << 30,
      ...never,
    })
    expect(text2).toBe(JSON.stringify(doc))
    // One slice does it all; the thread is given back only before the (single) piece is sent.
    expect(never.state.yields).toBe(1)
  })

  it('writes long arrays a bounded run of items at a time', () => {
    const doc = longRun(500, 50)
    const parts = [...jsonParts(doc)]
    const oneToken = JSON.stringify(doc.nodes[1]!.run!.tokens[0]).length
    const longest = Math.max(...parts.map((part) => part.length))
    expect(longest).toBeLessThanOrEqual(2 * 32 * 1024 + oneToken)
    expect(parts.length).toBeGreaterThan(20)
  })

  it('hands the text over in pieces of the size asked for, in order, the last one marked', async () => {
    const doc = longRun(400, 10)
    const pieces: { text: string; last: boolean }[] = []
    await writeJsonInSlices(doc, (text, last) => void pieces.push({ text, last }), {
      pieceChars: 10_000,
    })
    expect(pieces.map((p) => p.text).join('')).toBe(JSON.stringify(doc))
    expect(pieces.filter((p) => p.last)).toHaveLength(1)
    expect(pieces.at(-1)?.last).toBe(true)
    for (const piece of pieces.slice(0, -1)) expect(piece.text.length).toBe(10_000)
    expect(pieces.at(-1)!.text.length).toBeLessThanOrEqual(10_000)
  })

  it('waits for each piece to be taken before making more', async () => {
    const doc = longRun(200, 10)
    const events: string[] = []
    await writeJsonInSlices(
      doc,
      async (text, last) => {
        events.push(`start ${last}`)
        await new Promise((resolve) => setTimeout(resolve, 1))
        events.push(`end ${last}`)
      },
      { pieceChars: 20_000 },
    )
    for (let i = 0; i < events.length; i += 2) {
      expect(events[i]?.startsWith('start')).toBe(true)
      expect(events[i + 1]?.startsWith('end')).toBe(true)
    }
  })

  it('never cuts a surrogate pair in two', () => {
    const text = JSON.stringify({ t: '😀'.repeat(50) })
    for (const size of [2, 3, 5, 7, 16]) {
      const pieces = cutIntoPieces(text, size)
      expect(pieces.join('')).toBe(text)
      for (const piece of pieces) {
        expect(piece.length).toBeLessThanOrEqual(size)
        expect(loneSurrogate.test(piece)).toBe(false)
      }
    }
    expect(cutIntoPieces('', 8)).toEqual([''])
    expect(cutIntoPieces('abcdefgh', 4)).toEqual(['abcd', 'efgh'])
  })

  it('agrees with JSON.stringify on what it leaves out, escapes and calls', async () => {
    const values: unknown[] = [
      { a: undefined, b: () => 1, c: Symbol('s'), d: [undefined, () => 1, Symbol('s'), null] },
      { date: new Date(0), nested: { when: new Date(1), list: [new Date(2)] } },
      { big: Array.from({ length: 200 }, (_, i) => ({ i, deep: { x: [i, { y: i }] } })) },
      { text: 'line\nbreak "quote" \\ \u2028 \ud800 lone', n: [NaN, -0, Infinity, 1e21] },
      { empty: {}, none: [], nestedEmpty: [[], [{}], { a: [] }] },
      { toJSON: () => ({ replaced: Array.from({ length: 100 }, (_, i) => [i]) }) },
      [Array.from({ length: 70 }, (_, i) => i), { k: Array.from({ length: 70 }, () => ({})) }],
      { 2: 'two', 1: 'one', b: 'b', a: { 10: 'ten', 9: 'nine' } },
      Array.from({ length: 300 }, (_, i) =>
        i % 10 === 3
          ? { toJSON: (key: string) => `item ${key}` }
          : i % 10 === 4
            ? new Date(i)
            : { i },
      ),
      Array.from({ length: 300 }, (_, i) => (i % 3 === 0 ? undefined : i % 3 === 1 ? () => i : i)),
      'just a string',
      42,
      null,
    ]
    for (const value of values) {
      expect(await jsonInSlices(value)).toBe(JSON.stringify(value))
    }
    expect([...jsonParts(undefined)]).toEqual([])
  })

  it('refuses a circular value as JSON.stringify does', async () => {
    const loop: Record<string, unknown> = { list: Array.from({ length: 100 }, () => ({})) }
    loop.self = { inner: loop, more: [{ a: [1, 2] }] }
    await expect(jsonInSlices(loop)).rejects.toThrow(/circular/)
  })
})
