import type { GeneratedToken, TokenText } from '../../shared/contract'
import type { RunRecord } from '../../shared/conversation'
import type { SessionIntent } from '../../shared/session-intents'
import { sessionFileVersion, type SessionDocument } from '../../shared/sessions'

/**
 * The host's session files, version 2 (see `sessionFileVersion`):
 *
 * `<id>.json`, the snapshot, written whole and atomically:
 *   line 1  header: `{schemaVersion: 2, seq, id, title, kind, createdAt, updatedAt}`; the
 *           session list reads only this line
 *   line 2  the document, every run replaced by its number (null: none)
 *   line 3… one run per line, its tokens as columns (`EncodedRun`)
 *
 * `<id>.journal`, append-only, one intent per line: `{s: seq, at: time, i: intent}`, where a
 * `tokensAdded` intent's tokens and a `runStarted` intent's prompt are columns too. Replay skips
 * lines with `s` up to the snapshot's `seq`, so a crash between writing a snapshot and emptying
 * the journal is harmless.
 *
 * Columns: a token is its numbers in parallel arrays, its alternatives as flat parallel arrays
 * with a count per token, and each token text once per id (a run's texts all come from one
 * model). JSON writes numbers exactly, so a document reads back as it was.
 */

export interface SnapshotHeader {
  schemaVersion: number
  seq: number
  id: string
  title: string
  kind: SessionDocument['kind']
  createdAt: string
  updatedAt: string
}

/** Token texts by id: `ids[i]` reads as `texts[i]`. */
interface Vocabulary {
  ids: number[]
  texts: string[]
}

export interface TokenColumns {
  id: number[]
  logit: number[]
  modelProb: number[]
  samplingProb: number[]
  position: number[]
  rank: number[]
  entropyBits: number[]
  tailMass: number[]
  /** Indices of the tokens marked as thought. */
  thought: number[]
  /** How many alternatives each token has; theirs follow in the `alt…` arrays. */
  altCount: number[]
  altId: number[]
  altLogit: number[]
  altModelProb: number[]
  altSamplingProb: number[]
}

/** Tokens (and a prompt) as columns; `plain` when the same id came with two texts. */
export type EncodedTokens =
  | { vocabulary: Vocabulary; prompt: number[]; tokens: TokenColumns }
  | { plain: { prompt: TokenText[]; tokens: GeneratedToken[] } }

export type EncodedRun = EncodedTokens & {
  stopReason: RunRecord['stopReason']
  sampling: RunRecord['sampling']
  tokensPerSecond: number | null
  timeToFirstTokenMs: number | null
}

const emptyColumns = (): TokenColumns => ({
  id: [],
  logit: [],
  modelProb: [],
  samplingProb: [],
  position: [],
  rank: [],
  entropyBits: [],
  tailMass: [],
  thought: [],
  altCount: [],
  altId: [],
  altLogit: [],
  altModelProb: [],
  altSamplingProb: [],
})

/** Builds columns a slice at a time (so a long run can be encoded between other work). */
export class TokenEncoder {
  private readonly texts = new Map<number, string>()
  private readonly columns = emptyColumns()
  private readonly prompt: number[] = []
  private conflict = false
  private count = 0

  constructor(
    private readonly promptTokens: readonly TokenText[],
    private readonly tokens: readonly GeneratedToken[],
  ) {
    for (const t of promptTokens) {
      this.word(t.id, t.text)
      this.prompt.push(t.id)
    }
  }

  private word(id: number, text: string) {
    const known = this.texts.get(id)
    if (known === undefined) this.texts.set(id, text)
    else if (known !== text) this.conflict = true
  }

  /** Encodes up to `n` more tokens; false once all are in. */
  step(n: number): boolean {
    const c = this.columns
    const end = Math.min(this.tokens.length, this.count + n)
    for (let i = this.count; i < end; i++) {
      const t = this.tokens[i]!
      this.word(t.id, t.text)
      c.id.push(t.id)
      c.logit.push(t.logit)
      c.modelProb.push(t.modelProb)
      c.samplingProb.push(t.samplingProb)
      c.position.push(t.position)
      c.rank.push(t.rank)
      c.entropyBits.push(t.entropyBits)
      c.tailMass.push(t.tailMass)
      if (t.segment === 'thought') c.thought.push(i)
      c.altCount.push(t.alternatives.length)
      for (const a of t.alternatives) {
        this.word(a.id, a.text)
        c.altId.push(a.id)
        c.altLogit.push(a.logit)
        c.altModelProb.push(a.modelProb)
        c.altSamplingProb.push(a.samplingProb)
      }
    }
    this.count = end
    return end < this.tokens.length
  }

  result(): EncodedTokens {
    while (this.step(4096));
    if (this.conflict)
      return { plain: { prompt: [...this.promptTokens], tokens: [...this.tokens] } }
    return {
      vocabulary: { ids: [...this.texts.keys()], texts: [...this.texts.values()] },
      prompt: this.prompt,
      tokens: this.columns,
    }
  }
}

export function encodeTokens(
  prompt: readonly TokenText[],
  tokens: readonly GeneratedToken[],
): EncodedTokens {
  return new TokenEncoder(prompt, tokens).result()
}

export function decodeTokens(encoded: EncodedTokens): {
  prompt: TokenText[]
  tokens: GeneratedToken[]
} {
  if ('plain' in encoded) return { prompt: encoded.plain.prompt, tokens: encoded.plain.tokens }
  const texts = new Map<number, string>()
  encoded.vocabulary.ids.forEach((id, i) => texts.set(id, encoded.vocabulary.texts[i] ?? ''))
  const text = (id: number) => texts.get(id) ?? ''
  const c = encoded.tokens
  const thought = new Set(c.thought)
  const tokens: GeneratedToken[] = new Array<GeneratedToken>(c.id.length)
  let a = 0
  for (let i = 0; i < c.id.length; i++) {
    const count = c.altCount[i] ?? 0
    const alternatives = new Array<GeneratedToken['alternatives'][number]>(count)
    for (let k = 0; k < count; k++, a++) {
      const id = c.altId[a]!
      alternatives[k] = {
        id,
        text: text(id),
        logit: c.altLogit[a]!,
        modelProb: c.altModelProb[a]!,
        samplingProb: c.altSamplingProb[a]!,
      }
    }
    const id = c.id[i]!
    const token: GeneratedToken = {
      id,
      text: text(id),
      logit: c.logit[i]!,
      modelProb: c.modelProb[i]!,
      samplingProb: c.samplingProb[i]!,
      position: c.position[i]!,
      rank: c.rank[i]!,
      entropyBits: c.entropyBits[i]!,
      alternatives,
      tailMass: c.tailMass[i]!,
    }
    if (thought.has(i)) token.segment = 'thought'
    tokens[i] = token
  }
  return { prompt: encoded.prompt.map((id) => ({ id, text: text(id) })), tokens }
}

export function decodeRun(encoded: EncodedRun): RunRecord {
  const { prompt, tokens } = decodeTokens(encoded)
  return {
    prompt,
    tokens,
    stopReason: encoded.stopReason,
    sampling: encoded.sampling,
    tokensPerSecond: encoded.tokensPerSecond,
    timeToFirstTokenMs: encoded.timeToFirstTokenMs,
  }
}

/** A journal line's intent: tokens and prompts as columns, everything else as it is. */
export type JournalIntent =
  | Exclude<SessionIntent, { type: 'tokensAdded' } | { type: 'runStarted' }>
  | {
      type: 'tokensAdded'
      target: Extract<SessionIntent, { type: 'tokensAdded' }>['target']
      encoded: EncodedTokens
    }
  | {
      type: 'runStarted'
      target: Extract<SessionIntent, { type: 'runStarted' }>['target']
      sampling: Extract<SessionIntent, { type: 'runStarted' }>['sampling']
      encoded: EncodedTokens
    }

export interface JournalLine {
  /** The intent's sequence number in this session. */
  s: number
  /** The time it was applied at (`updatedAt` for intents that carry none). */
  at: string
  i: JournalIntent
}

export function encodeIntent(intent: SessionIntent): JournalIntent {
  if (intent.type === 'tokensAdded')
    return { type: 'tokensAdded', target: intent.target, encoded: encodeTokens([], intent.tokens) }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      encoded: encodeTokens(intent.prompt, []),
    }
  return intent
}

export function decodeIntent(intent: JournalIntent): SessionIntent {
  if (intent.type === 'tokensAdded')
    return {
      type: 'tokensAdded',
      target: intent.target,
      tokens: decodeTokens(intent.encoded).tokens,
    }
  if (intent.type === 'runStarted')
    return {
      type: 'runStarted',
      target: intent.target,
      sampling: intent.sampling,
      prompt: decodeTokens(intent.encoded).prompt,
    }
  return intent
}

export function headerOf(doc: SessionDocument, seq: number): SnapshotHeader {
  const { id, title, kind, createdAt, updatedAt } = doc
  return { schemaVersion: sessionFileVersion, seq, id, title, kind, createdAt, updatedAt }
}

/** Arrays longer than this are written in several pieces. */
const pieceItems = 16_384

/**
 * A snapshot's text, as pieces, working at most about `sliceMs` at a time before awaiting
 * `pause()`: a long session is written without holding the event loop.
 */
export async function snapshotText(
  doc: SessionDocument,
  seq: number,
  pause: () => Promise<void>,
  sliceMs = 4,
): Promise<string[]> {
  const pieces: string[] = []
  let sliceStart = performance.now()
  const breathe = async () => {
    if (performance.now() - sliceStart < sliceMs) return
    await pause()
    sliceStart = performance.now()
  }
  const runs: RunRecord[] = []
  const numbered = (run: RunRecord | null) => (run ? runs.push(run) - 1 : null)
  const skeleton = {
    ...doc,
    nodes: doc.nodes.map((n) => ({ ...n, run: numbered(n.run) })),
    ...(doc.compare && {
      compare: {
        ...doc.compare,
        columns: doc.compare.columns.map((c) => ({ ...c, run: numbered(c.run) })),
      },
    }),
  }
  pieces.push(JSON.stringify(headerOf(doc, seq)), '\n', JSON.stringify(skeleton), '\n')
  for (const run of runs) {
    await breathe()
    const encoder = new TokenEncoder(run.prompt, run.tokens)
    while (encoder.step(1024)) await breathe()
    const encoded: EncodedRun = {
      ...encoder.result(),
      stopReason: run.stopReason,
      sampling: run.sampling,
      tokensPerSecond: run.tokensPerSecond,
      timeToFirstTokenMs: run.timeToFirstTokenMs,
    }
    await writeValue(encoded, pieces, breathe)
    pieces.push('\n')
  }
  return pieces
}

/** JSON of `value` into `pieces`; long arrays of numbers in slices. */
async function writeValue(value: unknown, pieces: string[], breathe: () => Promise<void>) {
  if (Array.isArray(value) && value.length > pieceItems && value.every(isNumber)) {
    pieces.push('[')
    for (let i = 0; i < value.length; i += pieceItems) {
      if (i > 0) pieces.push(',')
      pieces.push(JSON.stringify(value.slice(i, i + pieceItems)).slice(1, -1))
      await breathe()
    }
    pieces.push(']')
    return
  }
  if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
    let first = true
    for (const [key, item] of Object.entries(value)) {
      if (item === undefined) continue
      pieces.push(`${first ? '{' : ','}${JSON.stringify(key)}:`)
      first = false
      await writeValue(item, pieces, breathe)
    }
    pieces.push(first ? '{}' : '}')
    return
  }
  pieces.push(JSON.stringify(value))
  await breathe()
}

const isNumber = (v: unknown) => typeof v === 'number'

/** Reads a version-2 snapshot's lines back into the document (unchecked) and its sequence. */
export function parseSnapshot(lines: string[]): { header: SnapshotHeader; document: unknown } {
  const header = JSON.parse(lines[0] ?? '') as SnapshotHeader
  const skeleton = JSON.parse(lines[1] ?? '') as {
    nodes?: { run: number | null }[]
    compare?: { columns?: { run: number | null }[] }
  }
  const runs = new Map<number, RunRecord>()
  const run = (n: number | null) => {
    if (n === null) return null
    let record = runs.get(n)
    if (!record) {
      const line = lines[2 + n]
      if (line === undefined) throw new Error(`run ${n} is missing`)
      record = decodeRun(JSON.parse(line) as EncodedRun)
      runs.set(n, record)
    }
    return record
  }
  const document = {
    ...skeleton,
    nodes: skeleton.nodes?.map((node) => ({ ...node, run: run(node.run) })),
    ...(skeleton.compare && {
      compare: {
        ...skeleton.compare,
        columns: skeleton.compare.columns?.map((c) => ({ ...c, run: run(c.run) })),
      },
    }),
  }
  return { header, document }
}
