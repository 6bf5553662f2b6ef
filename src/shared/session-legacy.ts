import { z } from 'zod'
import {
  compareColumnSetupSchema,
  comparisonSetupSchema,
  runRecordSchema,
  sessionDocumentSchema,
} from './sessions'
import { limits } from './schemas'

/**
 * Shapes of older session formats, read only to bring them to the current one
 * (session-migrate.ts) and to replay journals written by them (compare-tree.ts).
 */

/** Format 2's comparison column: its settings and its run, in the comparison's record. */
const compareColumnV2Schema = compareColumnSetupSchema.extend({ run: runRecordSchema.nullable() })

/** Format 2's comparison: one record beside the (empty) tree. */
export const compareRecordSchema = comparisonSetupSchema.extend({
  prompt: z.string().max(limits.promptChars),
  system: z.string().max(limits.promptChars),
  columns: z.array(compareColumnV2Schema).min(1).max(limits.parallelRuns),
})

export type CompareRecord = z.infer<typeof compareRecordSchema>

/** A document as format 2 wrote it. */
export const sessionDocumentV2Schema = sessionDocumentSchema.extend({
  schemaVersion: z.literal(2),
  compare: compareRecordSchema.optional(),
})

/** A document as format 1 wrote it. */
export const sessionDocumentV1Schema = sessionDocumentV2Schema.extend({
  schemaVersion: z.literal(1),
})

export type SessionDocumentV2 = z.infer<typeof sessionDocumentV2Schema>
