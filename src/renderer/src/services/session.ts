import { connectToEngine, type EngineConnection } from './engine-connection'

let connection: EngineConnection | null = null

/** The one connection of this page, made on first use so that React's double effects share it. */
export function getConnection(): EngineConnection {
  connection ??= connectToEngine()
  return connection
}

/** A run id the engine accepts: letters, digits and dashes. */
export function makeRunId(): string {
  if (typeof crypto.randomUUID === 'function') return crypto.randomUUID()
  const bytes = crypto.getRandomValues(new Uint8Array(16))
  return Array.from(bytes, (b) => b.toString(16).padStart(2, '0')).join('')
}
