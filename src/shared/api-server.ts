/** One request to the OpenAI-compatible API, as its request log shows it. */
export interface ApiRequestRecord {
  at: string
  method: string
  path: string
  status: number
  durationMs: number
  /** For generations: prompt and generated tokens (all choices), and the first choice's speed. */
  promptTokens: number | null
  completionTokens: number | null
  tokensPerSecond: number | null
}

/** The OpenAI-compatible API as the Server panel shows it. */
export interface ApiServerStatus {
  /** Off until the user turns it on (the Server panel, or `serve --api`). */
  state: 'off' | 'listening'
  /** The base URL clients use (ending in /v1), while listening. */
  url: string | null
  /** The port it listens on, or will listen on when turned on (0: any free port). */
  port: number
  /** Whether requests are saved as sessions. */
  recording: boolean
  /** Whether a key has been made (only its hash is kept). */
  hasKey: boolean
  /** The latest requests, newest first. */
  requests: ApiRequestRecord[]
}

export const defaultApiPort = 8480

export const apiServerOff: ApiServerStatus = {
  state: 'off',
  url: null,
  port: defaultApiPort,
  recording: true,
  hasKey: false,
  requests: [],
}

/** What the Server panel asks for: on or off, and the settings to use from now on. */
export interface ApiServerRequest {
  on: boolean
  /** 0 to 65535; 0 picks any free port. */
  port?: number
  recording?: boolean
}

/** The API's state after a change, and a key made by it: shown once, never readable again. */
export interface ApiServerChange {
  status: ApiServerStatus
  newKey: string | null
}

export interface ApiServerService {
  /** Whether the OpenAI-compatible API is on, where, and its latest requests. */
  getApiServer(): Promise<ApiServerStatus>
  /**
   * Turns the API on or off and keeps the choice for the next launch. Turning it on for the
   * first time makes its key and returns it, once.
   */
  setApiServer(request: ApiServerRequest): Promise<ApiServerChange>
  /** Makes a new key (the old one stops working at once) and returns it, once. */
  renewApiKey(): Promise<ApiServerChange>
}
