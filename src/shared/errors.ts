/** Errors cross process boundaries as plain values a person can read. */
export const errorCodes = [
  'invalid-request',
  'no-model',
  'model-not-found',
  'model-invalid',
  'model-load-failed',
  'model-too-large',
  'download-failed',
  'path-not-allowed',
  'prompt-too-long',
  'engine-crashed',
  'engine-unavailable',
  'run-busy',
  'remote-unreachable',
  'remote-refused',
  'remote-model-unknown',
  'remote-no-logprobs',
  'remote-failed',
  'internal',
] as const
export type ErrorCode = (typeof errorCodes)[number]

export interface AppError {
  code: ErrorCode
  /** What happened, in one sentence. */
  message: string
  /** What the user can do about it. */
  hint?: string
}

/** An Error that carries an AppError; the RPC layer sends the AppError itself as data. */
export class AppFailure extends Error {
  readonly appError: AppError
  constructor(appError: AppError) {
    super(appError.message)
    this.appError = appError
    this.name = 'AppFailure'
  }
}

/** True for a plain {code, message, hint?} value, e.g. one that crossed a wire. */
export function isAppError(value: unknown): value is AppError {
  if (typeof value !== 'object' || value === null) return false
  const { code, message, hint } = value as Record<string, unknown>
  return (
    typeof code === 'string' &&
    (errorCodes as readonly string[]).includes(code) &&
    typeof message === 'string' &&
    (hint === undefined || typeof hint === 'string')
  )
}

/** Recovers the AppError from anything thrown across the contract. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return error.appError
  if (isAppError(error)) {
    const { code, message, hint } = error
    return hint === undefined ? { code, message } : { code, message, hint }
  }
  return { code: 'internal', message: error instanceof Error ? error.message : String(error) }
}

/** What a call still waiting for its answer gets when the connection goes away. */
export const connectionLost: AppError = {
  code: 'engine-unavailable',
  message: 'The connection to the Tokenscope engine was lost.',
  hint: 'Tokenscope reconnects by itself; try again in a moment.',
}
