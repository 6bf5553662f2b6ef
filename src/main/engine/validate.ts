import type { z } from 'zod'
import { AppFailure } from '../../shared/errors'
import { describeIssues } from '../../shared/schemas'

/** Parses untrusted input or fails with a message that names each bad field. */
export function validate<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value)
  if (!result.success) {
    throw new AppFailure({
      code: 'invalid-request',
      message: `Invalid request: ${describeIssues(result.error)}`,
    })
  }
  return result.data
}
