import type { AppError } from '../../shared/errors'

/** The error object OpenAI's API answers with, which its clients know how to read. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null }
}

/** A request the API answers with an error status and an OpenAI-style error object. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
    readonly type = status >= 500 ? 'server_error' : 'invalid_request_error',
    readonly code: string | null = null,
    readonly param: string | null = null,
  ) {
    super(message)
    this.name = 'ApiError'
  }

  get body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } }
  }

  /** Extra response headers: a busy engine tells the client when to try again. */
  get headers(): Record<string, string> {
    return this.status === 503 ? { 'Retry-After': '1' } : {}
  }
}

export const invalidRequest = (message: string, param: string | null = null) =>
  new ApiError(400, message, 'invalid_request_error', null, param)

const withHint = (error: AppError) =>
  error.hint ? `${error.message} ${error.hint}` : error.message

/** How an engine or host failure reads to an API client. */
export function apiErrorOf(error: AppError): ApiError {
  const message = withHint(error)
  switch (error.code) {
    case 'invalid-request':
      return new ApiError(400, message, 'invalid_request_error', 'invalid_request')
    case 'prompt-too-long':
      // OpenAI's own code for this; clients such as LangChain look for it.
      return new ApiError(400, message, 'invalid_request_error', 'context_length_exceeded')
    case 'no-model':
      return new ApiError(503, message, 'server_error', 'model_not_loaded')
    case 'run-busy':
      return new ApiError(503, message, 'server_error', 'engine_busy')
    case 'engine-crashed':
    case 'engine-unavailable':
      return new ApiError(503, message, 'server_error', 'engine_unavailable')
    default:
      return new ApiError(500, message, 'server_error', error.code)
  }
}
