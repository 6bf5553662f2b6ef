import { z } from 'zod'
import { comparisonOf } from './compare-tree'
import { upgradeSession } from './session-migrate'
import { describeIssues, limits, samplingSettingsSchema } from './schemas'
import { AppFailure } from './errors'
import {
  maxIntentsPerUpdate,
  maxTokensPerIntent,
  runTargetSchema,
  type SessionIntent,
  type UpdateSessionRequest,
} from './session-intents'
import {
  compareColumnSetupSchema,
  comparisonSetupSchema,
  generatedTokenSchema,
  sessionDocumentSchema,
  sessionNodeSchema,
  tokenTextSchema,
} from './sessions'

/**
 * The bounds an `updateSession` request must keep: the UI is untrusted, so every id, text and
 * list is checked before any intent is applied. (In a file of its own: schemas.ts imports
 * session-intents.ts, so session-intents.ts cannot import schemas.ts back.)
 */

const idSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, 'an id uses 1 to 64 letters, digits, - and _')
const now = z.iso.datetime()
const text = z.string().max(limits.promptChars)
const settingsSchema = sessionDocumentSchema.shape.settings
const modelSchema = sessionDocumentSchema.shape.model
const stopReasonSchema = z.enum([
  'end-of-generation',
  'max-tokens',
  'cancelled',
  'context-full',
  'stop-string',
  'failed',
])

export const sessionIntentSchema = z.discriminatedUnion('type', [
  // A page or an import of an older version may send an older document: it is upgraded first.
  z.object({
    type: z.literal('created'),
    document: z.preprocess(
      upgradeSession,
      sessionDocumentSchema.refine(
        (doc) => (comparisonOf(doc.nodes)?.columns.length ?? 0) <= limits.parallelRuns,
        { message: `a comparison has at most ${limits.parallelRuns} columns`, path: ['nodes'] },
      ),
    ),
  }),
  z.object({ type: z.literal('sent'), userId: idSchema, replyId: idSchema, text, now }),
  z.object({
    type: z.literal('regenerated'),
    nodeId: idSchema,
    replyId: idSchema,
    now,
    prefix: z
      .object({
        count: z
          .int()
          .min(0)
          .max(limits.maxTokens * 64),
        first: generatedTokenSchema,
      })
      .optional(),
  }),
  z.object({
    type: z.literal('edited'),
    nodeId: idSchema,
    userId: idSchema,
    replyId: idSchema,
    text,
    now,
  }),
  z.object({
    type: z.literal('switched'),
    nodeId: idSchema,
    step: z.union([z.literal(-1), z.literal(1)]),
  }),
  z.object({ type: z.literal('leafShown'), nodeId: idSchema }),
  z.object({ type: z.literal('systemChanged'), system: text, now }),
  z.object({ type: z.literal('renamed'), title: z.string().max(1000), now }),
  z.object({
    type: z.literal('settingsChanged'),
    settings: settingsSchema,
    model: modelSchema,
    now: now.optional(),
  }),
  z.object({
    type: z.literal('nodeAdded'),
    node: sessionNodeSchema.omit({ run: true }).extend({
      id: idSchema,
      parentId: idSchema.nullable(),
    }),
    first: generatedTokenSchema.optional(),
    prefix: z
      .object({
        fromNodeId: idSchema,
        count: z
          .int()
          .min(0)
          .max(limits.maxTokens * 64),
        first: generatedTokenSchema.nullable(),
      })
      .optional(),
    now: now.optional(),
  }),
  z.object({
    type: z.literal('comparisonChanged'),
    prompt: z.object({ id: idSchema, text, setup: comparisonSetupSchema }),
    system: text,
    columns: z
      .array(z.object({ nodeId: idSchema, column: compareColumnSetupSchema }))
      .min(1)
      .max(limits.parallelRuns),
    now: now.optional(),
  }),
  z.object({
    type: z.literal('runStarted'),
    target: runTargetSchema,
    prompt: z.array(tokenTextSchema).max(limits.promptChars),
    sampling: samplingSettingsSchema,
    now: now.optional(),
  }),
  z.object({
    type: z.literal('tokensAdded'),
    target: runTargetSchema,
    tokens: z.array(generatedTokenSchema).max(maxTokensPerIntent),
    now: now.optional(),
  }),
  z.object({
    type: z.literal('entropyRead'),
    target: runTargetSchema,
    index: z.number().int().min(0),
    bits: z.number().min(0).max(64),
  }),
  z.object({
    type: z.literal('runEnded'),
    target: runTargetSchema,
    stopReason: stopReasonSchema,
    tokensPerSecond: z.number().min(0).nullable(),
    timeToFirstTokenMs: z.number().min(0).nullable(),
    sampling: samplingSettingsSchema.optional(),
    now: now.optional(),
  }),
])

export const updateSessionRequestSchema = z
  .object({
    id: idSchema,
    intents: z.array(sessionIntentSchema).min(1).max(maxIntentsPerUpdate),
  })
  .superRefine((request, context) => {
    request.intents.forEach((intent, i) => {
      if (intent.type === 'created' && i > 0)
        context.addIssue({
          code: 'custom',
          path: ['intents', i, 'type'],
          message: 'a session is created by the first intent of an update',
        })
      if (intent.type === 'created' && intent.document.id !== request.id)
        context.addIssue({
          code: 'custom',
          path: ['intents', i, 'document', 'id'],
          message: `must be the session's id, ${request.id}`,
        })
    })
  })

/** Checks an `updateSession` request; an AppFailure 'invalid-request' naming the field if bad. */
export function parseUpdateSessionRequest(input: unknown): UpdateSessionRequest {
  const parsed = updateSessionRequestSchema.safeParse(input)
  if (!parsed.success) {
    throw new AppFailure({
      code: 'invalid-request',
      message: `Invalid session update: ${describeIssues(parsed.error)}`,
    })
  }
  return { id: parsed.data.id, intents: parsed.data.intents as SessionIntent[] }
}
