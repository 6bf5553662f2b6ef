import { z } from 'zod'
import { remoteChoiceSchema, reportedNumbersSchema } from './remote'
import { samplingSettingsSchema, limits } from './schemas'
import type { UpdateSessionRequest } from './session-intents'
import type { SessionPage, SessionPageRequest } from './session-pages'
import type { PackedSessionOutline } from './session-outline'

/**
 * The version of a session document's shape: what `loadSession` returns, what the UI holds and
 * what an exported file holds. Older documents are migrated on load (session-migrate.ts); newer
 * ones are refused. 3: a comparison is a tree too, a prompt node and a node per column
 * (compare-tree.ts); 2 kept it in a record of its own. 2: a Completion node keeps only its own
 * tokens (completion-tree.ts); 1 kept each branch's whole path.
 */
export const sessionSchemaVersion = 3

/**
 * The version of the host's files (session-store.ts): 1 was the document itself as JSON; 2 is a
 * compact snapshot (a header line, then the document with its runs' tokens as columns) plus an
 * append-only journal of intents. Version-1 files still open, and become version 2 when changed.
 */
export const sessionFileVersion = 2

export const tokenTextSchema = z.object({
  id: z.int().min(0),
  text: z.string(),
  bytes: z.array(z.int().min(0).max(255)).max(64).optional(),
  special: z.boolean().optional(),
})
const candidateSchema = tokenTextSchema.extend({
  logit: z.number(),
  modelProb: z.number().min(0).max(1),
  samplingProb: z.number().min(0).max(1),
  penaltyShift: z.number().optional(),
})
export const generatedTokenSchema = candidateSchema.extend({
  position: z.int().min(0),
  rank: z.int().min(1),
  entropyBits: z.number().min(0),
  entropyUpperBits: z.number().min(0).optional(),
  alternatives: z.array(candidateSchema).max(limits.topN),
  moreCandidates: z.array(candidateSchema).max(limits.labCandidates).optional(),
  tailMass: z.number().min(0).max(1),
  segment: z.literal('thought').optional(),
  reported: reportedNumbersSchema.optional(),
})

export const runRecordSchema = z.object({
  prompt: z.array(tokenTextSchema),
  tokens: z.array(generatedTokenSchema),
  stopReason: z.enum([
    'end-of-generation',
    'max-tokens',
    'cancelled',
    'context-full',
    'stop-string',
    'failed',
  ]),
  sampling: samplingSettingsSchema,
  tokensPerSecond: z.number().nullable(),
  timeToFirstTokenMs: z.number().nullable(),
})

/** What the columns of a comparison share; kept on its prompt node. */
export const comparisonSetupSchema = z.object({
  /** The prompt is raw text to continue, or one user message in the chat template. */
  input: z.enum(['completion', 'chat']),
  /** Every column draws with the first column's seed. */
  sameSeed: z.boolean(),
  /** The columns keep their seeds from run to run (absent: each Generate draws new ones). */
  seedsLocked: z.boolean().optional(),
  /** Texts that end every column's run. */
  stop: z.array(z.string().min(1).max(limits.stopStringChars)).max(limits.stopStrings).optional(),
})

/**
 * A comparison's column, kept on its node: the settings its next run takes (its run, if any,
 * holds those it ran with), the preset they equal and the engine. Its place among its siblings
 * is its column's place.
 */
export const compareColumnSetupSchema = z.object({
  /** The column's name in the Compare view, stable while columns come and go. */
  key: z.string().min(1).max(16),
  settings: z.object({
    sampling: samplingSettingsSchema,
    maxTokens: z.int().min(1).max(limits.maxTokens),
  }),
  preset: z.enum(['greedy', 'precise', 'balanced', 'creative', 'wild']).nullable(),
  /** The remote model this column runs on; absent: the local engine. */
  engine: remoteChoiceSchema.optional(),
})

export const sessionNodeSchema = z.object({
  id: z.string().min(1).max(64),
  parentId: z.string().min(1).max(64).nullable(),
  /** `prompt` and `completion`: Completion and Compare sessions; `user` and `assistant`: Chat. */
  role: z.enum(['user', 'assistant', 'prompt', 'completion']),
  text: z.string().max(limits.promptChars * 4),
  /** What the engine reported while producing this text, token by token. */
  run: runRecordSchema.nullable(),
  createdAt: z.iso.datetime(),
  /**
   * A Completion node's origin: `run` was sampled from the prompt alone (a first run, or
   * Generate again), `branch` forced an alternative. Older files lack it: their later nodes are
   * branches.
   */
  origin: z.enum(['run', 'branch']).optional(),
  /**
   * A Completion node's first token's position in its text: its parent's path up to here, then
   * its own tokens (completion-tree.ts). Absent: 0.
   */
  forkAt: z
    .int()
    .min(0)
    .max(limits.maxTokens * 64)
    .optional(),
  /** Format 1 only: a branch's parent in the branch tree (format 2 says it with `parentId`). */
  branchOf: z.string().min(1).max(64).optional(),
  /** A comparison's prompt node: what its columns share (compare-tree.ts). */
  comparison: comparisonSetupSchema.optional(),
  /** A comparison's column (a completion node under its prompt): its settings. */
  column: compareColumnSetupSchema.optional(),
})

export const sessionDocumentSchema = z.object({
  schemaVersion: z.literal(sessionSchemaVersion),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a session id uses only letters, digits, - and _'),
  title: z.string().max(200),
  /** A `compare` session's nodes are its prompt and one completion per column. */
  kind: z.enum(['chat', 'completion', 'compare']),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
  system: z.string().max(limits.promptChars),
  model: z
    .object({ name: z.string(), fileName: z.string(), sha256: z.string().nullable() })
    .nullable(),
  settings: z.object({
    sampling: samplingSettingsSchema,
    maxTokens: z.int().min(1).max(limits.maxTokens),
    topN: z.int().min(1).max(limits.topN),
  }),
  nodes: z.array(sessionNodeSchema).max(100_000),
  /** The node whose path from the root is the branch on screen (null in a comparison). */
  currentLeafId: z.string().nullable(),
})

export type SessionNode = z.infer<typeof sessionNodeSchema>
export type SessionDocument = z.infer<typeof sessionDocumentSchema>
export type ComparisonSetup = z.infer<typeof comparisonSetupSchema>
export type CompareColumnSetup = z.infer<typeof compareColumnSetupSchema>

export interface SessionSummary {
  id: string
  title: string
  kind: SessionDocument['kind']
  updatedAt: string
}

/** A session whose text holds every word of a search, and where the first word was found. */
export interface SessionSearchHit {
  id: string
  /** Where the excerpt comes from; `title` when the title holds the first word. */
  field: 'title' | 'system' | 'message' | 'output'
  /** A short piece of text around the word (empty for a title hit: the row shows the title). */
  excerpt: string
  /** Where the word is in `excerpt`. */
  start: number
  length: number
}

/** A file the store could not use, and what it did about it. */
export interface StorageProblem {
  file: string
  kind: 'corrupt' | 'newer-version'
  message: string
}

/** Conversations and completion runs, saved by the host in the user's data folder. */
export interface SessionService {
  /** All saved sessions, newest first. */
  listSessions(): Promise<SessionSummary[]>
  /** The whole session, every token with its alternatives (export, search). */
  loadSession(request: { id: string }): Promise<SessionDocument>
  /** The session without its tokens' alternatives, which `loadSessionPage` reads page by page. */
  loadSessionOutline(request: { id: string }): Promise<PackedSessionOutline>
  /** The alternatives of some tokens of one run of the session (`SessionPage`). */
  loadSessionPage(request: SessionPageRequest): Promise<SessionPage>
  /**
   * Applies intents to session `id`, in the order sent (a `created` intent makes the session).
   * Resolves once they are in the session's journal on disk, with the session's new summary.
   */
  updateSession(request: UpdateSessionRequest): Promise<SessionSummary>
  /** Moves a session to the trash, from where `restoreSession` brings it back. */
  deleteSession(request: { id: string }): Promise<void>
  restoreSession(request: { id: string }): Promise<void>
  /** Files that were moved aside or refused since the app started. */
  storageProblems(): Promise<StorageProblem[]>
  /**
   * Sessions whose title or text (messages, outputs, prompts, system prompt) holds every word of
   * `query`, ignoring case, newest first.
   */
  searchSessions(request: { query: string }): Promise<SessionSearchHit[]>
}
