import type { GeneratedToken } from './contract'
import { decodeReported } from './remote'
import type { SessionDocument } from './sessions'
import { mapRuns, type DocumentWith } from './stored-document'
import { floatColumns } from './token-columns'

/**
 * A run's tokens without their alternatives, packed for the trip to the page. As token objects a
 * 20,000-token outline was 3.5 MB of JSON, parsed and turned into a session in one task of about
 * 70 ms, whose garbage lengthened the first render too. Packed, it is 2.3 MB, nearly all of it
 * base64 strings that JSON parses at once; the page decodes them natively and makes the tokens a
 * slice per task (`unpackRun`). Structured clone (Electron) carries the strings just as well.
 */
export interface PackedRun {
  length: number
  /**
   * Float64 columns, each `length` long, one after another in `packedNumberColumns` order,
   * base64 (the machine's byte order: the page and the host share a machine or a byte order).
   */
  numbers: string
  /** Uint32 columns, `slot` then `altShown`, base64. */
  counts: string
  /** Uint8 columns, `thought` then `reported`, base64. */
  flags: string
  /** Each slot's text: token i's text is `texts[slot(i)]` unless `oddTexts` holds its own. */
  texts: string[]
  oddTexts: [number, string][]
  /** The bytes of the ids whose text cannot show them. */
  bytes: [number, number[]][]
}

/** The run's float columns, then each token's entropy bound (NaN where the entropy is exact). */
export const packedNumberColumns = [...floatColumns, 'entropyUpperBits'] as const

/** A session whose tokens carry no alternatives yet, packed (see `PackedRun`). */
export interface PackedSessionOutline {
  document: DocumentWith<PackedRun>
  /** How many tokens a page of alternatives should hold (`loadSessionPage`). */
  pageTokens: number
}

type Base64Decoder = { fromBase64?: (text: string) => Uint8Array }

function bytesOf(base64: string): Uint8Array {
  const native = (Uint8Array as unknown as Base64Decoder).fromBase64
  if (native) return native(base64)
  const binary = atob(base64)
  const bytes = new Uint8Array(binary.length)
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i)
  return bytes
}

/** Tokens the page unpacks in one task. */
const tokensPerSlice = 4096

/** Calls `breathe()` once every `tokensPerSlice` tokens, counted across all the runs it paces. */
function pacer(breathe: () => Promise<void>) {
  let sinceBreath = 0
  return (): Promise<void> | null => {
    if (++sinceBreath <= tokensPerSlice) return null
    sinceBreath = 1
    return breathe()
  }
}

/**
 * The tokens of a packed run, as the views hold them (`alternatives: []`, no `moreCandidates`),
 * made a slice at a time with `pace()` between slices: 20,000 tokens in one go were a task of
 * 20 ms and more, on top of the message that brought them.
 */
async function unpackRun(
  run: PackedRun,
  pace: () => Promise<void> | null,
): Promise<GeneratedToken[]> {
  const n = run.length
  const numbers = new Float64Array(bytesOf(run.numbers).buffer)
  const counts = new Uint32Array(bytesOf(run.counts).buffer)
  const flags = bytesOf(run.flags)
  const bytes = new Map(run.bytes)
  const oddTexts = new Map(run.oddTexts)
  const column = (name: (typeof packedNumberColumns)[number]) =>
    numbers.subarray(packedNumberColumns.indexOf(name) * n)
  const [ids, logits, modelProbs, samplingProbs, positions, ranks, entropies, tails, uppers] =
    packedNumberColumns.map(column)
  const tokens = new Array<GeneratedToken>(n)
  for (let i = 0; i < n; i++) {
    const pause = pace()
    if (pause) await pause
    const id = ids![i]!
    const idBytes = bytes.get(id)
    const token: GeneratedToken = {
      id,
      text: oddTexts.get(i) ?? run.texts[counts[i]!] ?? '',
      ...(idBytes && { bytes: idBytes }),
      logit: logits![i]!,
      modelProb: modelProbs![i]!,
      samplingProb: samplingProbs![i]!,
      position: positions![i]!,
      rank: ranks![i]!,
      entropyBits: entropies![i]!,
      alternatives: [],
      tailMass: tails![i]!,
    }
    const upper = uppers![i]!
    if (!Number.isNaN(upper)) token.entropyUpperBits = upper
    if (flags[i] === 1) token.segment = 'thought'
    const reported = flags[n + i]!
    // The count of alternatives the server reported is known now, though they come later.
    if (reported !== 0) token.reported = decodeReported(reported, counts[n + i]!)
    tokens[i] = token
  }
  return tokens
}

/** The UI's outline of a session from its packed form (a run shared stays shared). */
export async function unpackOutline(
  document: DocumentWith<PackedRun>,
  breathe: () => Promise<void> = async () => {},
): Promise<SessionDocument> {
  // One breath first: the message that brought the outline, megabytes to receive and parse, is
  // then a task of its own, not the start of one that also decodes and unpacks. Slices are
  // counted across runs, not per run: a chat has a run a reply, and a breath per run would wait
  // out the page's chained timers (4 ms each), while all of a 20-reply chat's runs in one task
  // were its longest task on open (21 ms for 11,300 tokens).
  await breathe()
  const pace = pacer(breathe)
  const unpacked = new Map<PackedRun, GeneratedToken[]>()
  for (const node of document.nodes)
    if (node.run && !unpacked.has(node.run.tokens))
      unpacked.set(node.run.tokens, await unpackRun(node.run.tokens, pace))
  return mapRuns(document, (run) => unpacked.get(run)!) as SessionDocument
}
