/** Errors cross process boundaries as plain values a person can read. */
export type ErrorCode =
  | 'invalid-request'
  | 'no-model'
  | 'model-not-found'
  | 'model-invalid'
  | 'model-load-failed'
  | 'model-too-large'
  | 'download-failed'
  | 'prompt-too-long'
  | 'engine-crashed'
  | 'engine-unavailable'
  | 'run-busy'
  | 'internal'

export interface AppError {
  code: ErrorCode
  /** What happened, in one sentence. */
  message: string
  /** What the user can do about it. */
  hint?: string
}

const marker = '__tokenscopeError'

/** An Error that carries an AppError, so it survives RPC serialization as its message. */
export class AppFailure extends Error {
  readonly appError: AppError
  constructor(appError: AppError) {
    super(`${marker}${JSON.stringify(appError)}`)
    this.appError = appError
    this.name = 'AppFailure'
  }
}

/** Recovers the AppError from anything thrown across the contract. */
export function toAppError(error: unknown): AppError {
  if (error instanceof AppFailure) return error.appError
  const message = error instanceof Error ? error.message : String(error)
  const at = message.indexOf(marker)
  if (at >= 0) {
    try {
      return JSON.parse(message.slice(at + marker.length)) as AppError
    } catch {
      // fall through to a generic error
    }
  }
  return { code: 'internal', message }
}
