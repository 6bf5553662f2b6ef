import { z } from 'zod'
import { samplingSettingsSchema, limits } from './schemas'

/** The version written by this build. Older files are migrated on load; newer ones are refused. */
export const sessionSchemaVersion = 1

const tokenTextSchema = z.object({ id: z.int().min(0), text: z.string() })
const candidateSchema = tokenTextSchema.extend({
  logit: z.number(),
  modelProb: z.number().min(0).max(1),
  samplingProb: z.number().min(0).max(1),
})
const generatedTokenSchema = candidateSchema.extend({
  position: z.int().min(0),
  rank: z.int().min(1),
  entropyBits: z.number().min(0),
  alternatives: z.array(candidateSchema).max(limits.topN),
  tailMass: z.number().min(0).max(1),
  segment: z.literal('thought').optional(),
})

const runRecordSchema = z.object({
  prompt: z.array(tokenTextSchema),
  tokens: z.array(generatedTokenSchema),
  stopReason: z.enum(['end-of-generation', 'max-tokens', 'cancelled', 'context-full', 'failed']),
  sampling: samplingSettingsSchema,
  tokensPerSecond: z.number().nullable(),
  timeToFirstTokenMs: z.number().nullable(),
})

export const sessionNodeSchema = z.object({
  id: z.string().min(1).max(64),
  parentId: z.string().min(1).max(64).nullable(),
  /** `prompt` and `completion` belong to Completion sessions; `user` and `assistant` to Chat. */
  role: z.enum(['user', 'assistant', 'prompt', 'completion']),
  text: z.string().max(limits.promptChars * 4),
  /** What the engine reported while producing this text, token by token. */
  run: runRecordSchema.nullable(),
  createdAt: z.iso.datetime(),
})

/** One column of a saved comparison: its settings and what its run produced (null: never run). */
const compareColumnSchema = z.object({
  key: z.string().min(1).max(16),
  settings: z.object({
    sampling: samplingSettingsSchema,
    maxTokens: z.int().min(1).max(limits.maxTokens),
  }),
  preset: z.enum(['greedy', 'precise', 'balanced', 'creative', 'wild']).nullable(),
  run: runRecordSchema.nullable(),
})

/** The Compare view as it was: one prompt, 2–4 columns of settings, each with its run. */
export const compareRecordSchema = z.object({
  input: z.enum(['completion', 'chat']),
  prompt: z.string().max(limits.promptChars),
  system: z.string().max(limits.promptChars),
  sameSeed: z.boolean(),
  columns: z.array(compareColumnSchema).min(1).max(limits.parallelRuns),
})

export const sessionDocumentSchema = z.object({
  schemaVersion: z.literal(sessionSchemaVersion),
  id: z.string().regex(/^[A-Za-z0-9_-]{1,64}$/, 'a session id uses only letters, digits, - and _'),
  title: z.string().max(200),
  /** `compare` sessions keep their work in `compare`; their `nodes` stay empty. */
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
  /** The node whose path from the root is the branch on screen. */
  currentLeafId: z.string().nullable(),
  /** A comparison (Compare view); absent in chat and completion sessions and in older files. */
  compare: compareRecordSchema.optional(),
})

export type SessionNode = z.infer<typeof sessionNodeSchema>
export type SessionDocument = z.infer<typeof sessionDocumentSchema>
export type CompareRecord = z.infer<typeof compareRecordSchema>

export interface SessionSummary {
  id: string
  title: string
  kind: SessionDocument['kind']
  updatedAt: string
}

/** A file the store could not use, and what it did about it. */
export interface StorageProblem {
  file: string
  kind: 'corrupt' | 'newer-version'
  message: string
}

/** One piece of a document's JSON text, on its way to the host. */
export const sessionTextPieceSchema = z.object({
  /** Chosen by the sender, new for each save: letters, digits, - and _, 8 to 64 of them. */
  uploadId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{8,64}$/, 'an upload id uses 8 to 64 letters, digits, - and _'),
  /** Where this piece goes in the text: the length of the pieces before it. */
  offset: z.int().min(0),
  text: z.string(),
  /** True on the final piece, which writes the session; a save of one piece is just that. */
  last: z.boolean(),
})

export type SessionTextPiece = z.infer<typeof sessionTextPieceSchema>

/** What the host holds for unfinished uploads, at most. */
export const sessionUpload = {
  /** Longest piece; a WebSocket message of one stays under the serve host's 4 MB limit. */
  pieceChars: 1024 * 1024,
  /** Longest document text. */
  documentChars: 128 * 1024 * 1024,
  /** All unfinished uploads together. */
  openChars: 256 * 1024 * 1024,
  /** An upload that gets no piece for this long is dropped. */
  idleMs: 60_000,
} as const

/** Conversations and completion runs, saved by the host in the user's data folder. */
export interface SessionService {
  /** All saved sessions, newest first. */
  listSessions(): Promise<SessionSummary[]>
  loadSession(request: { id: string }): Promise<SessionDocument>
  /** Writes atomically: the previous version stays intact if anything fails midway. */
  saveSession(document: SessionDocument): Promise<void>
  /**
   * Saves a document sent as its JSON text, in pieces of at most `sessionUpload.pieceChars`:
   * validated and written exactly as `saveSession` does once the `last` piece is in. Pieces of
   * one upload come in order (`offset` is the length sent before); an upload left unfinished is
   * dropped after `sessionUpload.idleMs`.
   */
  saveSessionText(piece: SessionTextPiece): Promise<void>
  /** Moves a session to the trash, from where `restoreSession` brings it back. */
  deleteSession(request: { id: string }): Promise<void>
  restoreSession(request: { id: string }): Promise<void>
  /** Files that were moved aside or refused since the app started. */
  storageProblems(): Promise<StorageProblem[]>
}
