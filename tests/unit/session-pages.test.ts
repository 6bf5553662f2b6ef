import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createSessionStore } from '../../src/main/host/session-store'
import type { GeneratedToken } from '../../src/shared/contract'
import { toAppError } from '../../src/shared/errors'
import { appMethodNames, sessionMethodNames } from '../../src/shared/methods'
import { defaultSampling } from '../../src/shared/schemas'
import type { RunTarget } from '../../src/shared/session-intents'
import { unpackOutline } from '../../src/shared/session-outline'
import { fillFromPage, maxPageTokens } from '../../src/shared/session-pages'
import type { SessionDocument } from '../../src/shared/sessions'
import { completionSession, fakeToken, runRecord } from '../helpers/session-fixture'

const at = '2026-11-22T10:00:00.000Z'
/** Tokens with everything a page must carry back: Lab candidates, shifts, bytes, odd texts. */
function richTokens(count: number): GeneratedToken[] {
  return Array.from({ length: count }, (_, i) => {
    const token = fakeToken(i, 4)
    if (i % 3 === 0)
      token.moreCandidates = [
        { id: 900 + i, text: `m${i}`, logit: -3, modelProb: 0.01, samplingProb: 0 },
        { id: 901, text: '\uFFFD', bytes: [0xe2], logit: -4, modelProb: 0.005, samplingProb: 0 },
      ]
    if (i % 4 === 1) token.alternatives[1]!.penaltyShift = -0.75
    // A text unlike the one the id has elsewhere in the run (an imported token, say).
    if (i === 7) token.alternatives[2]!.text = 'odd text'
    // Id 100 + 9 comes back at i = 59, 109…: this one's own text must survive the outline.
    if (i === 9) token.text = 'odd token text'
    if (i % 50 === 13) Object.assign(token, { text: '\uFFFD', bytes: [0xf0, 0x9f] })
    if (i % 7 === 3) token.entropyUpperBits = token.entropyBits + 0.5
    if (i % 5 === 2)
      token.reported = {
        modelProb: true,
        samplingProb: false,
        entropy: false,
        rank: true,
        alternatives: 4,
        tokenId: true,
      }
    return token
  })
}

const completion = (id: string, tokens: GeneratedToken[]) =>
  completionSession(id, tokens, { topN: 4 })

/**
 * A comparison (format 3: a prompt node and a node per column); by default one column of 30
 * tokens and one never run.
 */
function comparison(
  id: string,
  columns: (GeneratedToken[] | null)[] = [richTokens(30), null],
): SessionDocument {
  const column = (key: string, tokens: GeneratedToken[] | null) => ({
    id: `col-${key}`,
    parentId: 'p',
    role: 'completion' as const,
    text: tokens?.map((t) => t.text).join('') ?? '',
    forkAt: 0,
    column: { key, settings: { sampling: defaultSampling, maxTokens: 64 }, preset: null },
    run: tokens && runRecord(tokens),
    createdAt: at,
  })
  return {
    ...completion(id, []),
    kind: 'compare',
    nodes: [
      {
        id: 'p',
        parentId: null,
        role: 'prompt',
        text: 'A',
        run: null,
        createdAt: at,
        comparison: { input: 'completion', sameSeed: false },
      },
      ...columns.map((tokens, i) => column(`c${i + 1}`, tokens)),
    ],
    currentLeafId: null,
  }
}

async function storeWith(doc: SessionDocument) {
  const store = createSessionStore({ directory: mkdtempSync(join(tmpdir(), 'tokenscope-pages-')) })
  await store.updateSession({ id: doc.id, intents: [{ type: 'created', document: doc }] })
  return store
}

/** The outline, filled page by page as the UI fills it. */
async function readPaged(store: Awaited<ReturnType<typeof storeWith>>, id: string, size: number) {
  const document = await unpackOutline((await store.loadSessionOutline({ id })).document)
  const runs = document.nodes.flatMap((n): { target: RunTarget; tokens: GeneratedToken[] }[] =>
    n.run ? [{ target: { nodeId: n.id }, tokens: n.run.tokens }] : [],
  )
  for (const { target, tokens } of runs)
    for (let from = 0; from < tokens.length; from += size)
      fillFromPage(tokens, await store.loadSessionPage({ id, target, from, to: from + size }))
  return document
}

describe('reading a session page by page', () => {
  it('lists the new methods in the contract', () => {
    expect(sessionMethodNames).toEqual(
      expect.arrayContaining(['loadSessionOutline', 'loadSessionPage']),
    )
    expect(appMethodNames).toEqual(
      expect.arrayContaining(['loadSessionOutline', 'loadSessionPage']),
    )
  })

  it('unpacks a long run a slice at a time, breathing before it and between slices', async () => {
    const store = await storeWith(completion('long', richTokens(9000)))
    const whole = await store.loadSession({ id: 'long' })
    const outline = await store.loadSessionOutline({ id: 'long' })
    let breaths = 0
    const document = await unpackOutline(outline.document, async () => {
      breaths++
    })
    // One before unpacking (after the message that brought it), one between each two slices.
    expect(breaths).toBe(3)
    const strip = ({ alternatives: _a, moreCandidates: _m, ...rest }: GeneratedToken) => rest
    expect(document.nodes[1]!.run!.tokens.map(strip)).toEqual(
      whole.nodes[1]!.run!.tokens.map(strip),
    )
    await store.close()
  })

  it('counts its slices across runs, so many short runs are not unpacked in one task', async () => {
    // Four columns of 2,500 tokens, each shorter than a slice: 10,000 tokens in all.
    const runs = Array.from({ length: 4 }, () => richTokens(2500))
    const store = await storeWith(comparison('many', runs))
    const outline = await store.loadSessionOutline({ id: 'many' })
    let breaths = 0
    const document = await unpackOutline(outline.document, async () => {
      breaths++
    })
    // One before unpacking, then one after each 4,096 tokens, wherever a run ends.
    expect(breaths).toBe(3)
    expect(document.nodes.slice(1).map((node) => node.run?.tokens.map((t) => t.id))).toEqual(
      runs.map((tokens) => tokens.map((t) => t.id)),
    )
    await store.close()
  })

  it('gives an outline whose tokens are the whole ones without their alternatives', async () => {
    const store = await storeWith(completion('o', richTokens(1200)))
    const whole = await store.loadSession({ id: 'o' })
    const outline = await store.loadSessionOutline({ id: 'o' })
    const { pageTokens } = outline
    // What the page gets: the packed outline through JSON, as the WebSocket carries it.
    const document = await unpackOutline(JSON.parse(JSON.stringify(outline.document)))
    expect(pageTokens).toBeGreaterThan(0)
    expect(pageTokens).toBeLessThanOrEqual(maxPageTokens)
    const strip = (t: GeneratedToken) => {
      const { alternatives: _a, moreCandidates: _m, ...rest } = t
      return rest
    }
    const outlined = document.nodes[1]!.run!.tokens
    expect(outlined.every((t) => t.alternatives.length === 0 && !t.moreCandidates)).toBe(true)
    expect(outlined.map(strip)).toEqual(whole.nodes[1]!.run!.tokens.map(strip))
    // Only the runs' tokens differ.
    expect({ ...document, nodes: [] }).toEqual({ ...whole, nodes: [] })
    expect(document.nodes[1]!.text).toBe(whole.nodes[1]!.text)
    await store.close()
  })

  it('fills every token, read page by page, to what the whole session holds', async () => {
    const store = await storeWith(completion('f', richTokens(1200)))
    for (const size of [1, 333, 500, maxPageTokens])
      expect(await readPaged(store, 'f', size)).toEqual(await store.loadSession({ id: 'f' }))
    await store.close()
  })

  it('pages a comparison column by column', async () => {
    const store = await storeWith(comparison('k'))
    expect(await readPaged(store, 'k', 7)).toEqual(await store.loadSession({ id: 'k' }))
    await store.close()
  })

  it('cuts a page at the end of its run', async () => {
    const store = await storeWith(completion('e', richTokens(10)))
    const page = await store.loadSessionPage({ id: 'e', target: { nodeId: 'c' }, from: 8, to: 500 })
    expect([page.from, page.to, page.shown]).toEqual([8, 10, [4, 4]])
    await store.close()
  })

  it('refuses pages it cannot give, with an error the UI can show', async () => {
    const store = await storeWith(completion('r', richTokens(10)))
    const refusal = (request: unknown) =>
      store
        .loadSessionPage(request as Parameters<typeof store.loadSessionPage>[0])
        .then(() => null, toAppError)
    const beyond = await refusal({ id: 'r', target: { nodeId: 'c' }, from: 10, to: 20 })
    expect(beyond).toMatchObject({
      code: 'invalid-request',
      message: expect.stringMatching(/no tokens from 10/),
    })
    expect(await refusal({ id: 'r', target: { nodeId: 'nope' }, from: 0, to: 5 })).toMatchObject({
      code: 'invalid-request',
    })
    expect(await refusal({ id: 'r', target: { column: 'c1' }, from: 0, to: 5 })).toMatchObject({
      code: 'invalid-request',
    })
    for (const bad of [
      { id: 'r', target: { nodeId: 'c' }, from: 5, to: 5 },
      { id: 'r', target: { nodeId: 'c' }, from: -1, to: 5 },
      { id: 'r', target: { nodeId: 'c' }, from: 0, to: maxPageTokens + 1 },
      { id: 'r', target: {}, from: 0, to: 5 },
      { id: '../r', target: { nodeId: 'c' }, from: 0, to: 5 },
    ])
      expect(await refusal(bad)).toMatchObject({
        code: 'invalid-request',
        message: expect.stringMatching(/not valid/),
      })
    expect(await refusal({ id: 'gone', target: { nodeId: 'c' }, from: 0, to: 5 })).not.toBeNull()
    await store.close()
  })
})
