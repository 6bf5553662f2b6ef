import type { RawData } from 'ws'
import { appMethodNames } from '../../shared/methods'
import { jsonCodec } from '../../shared/rpc'

const methods = new Set<string>(appMethodNames)

/**
 * Whether a UI client may send `value` to the host: a call of one of the contract's methods, or
 * a reply. birpc reads any message as one of these and throws on the rest (`null`, a number), and
 * it would look an unknown method name up on the service object, prototype included.
 */
export function isClientRpcMessage(value: unknown): boolean {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return false
  const message = value as Record<string, unknown>
  if (message.i !== undefined && typeof message.i !== 'string') return false
  if (message.t === 'q') {
    return typeof message.m === 'string' && methods.has(message.m) && Array.isArray(message.a)
  }
  return message.t === 's' && typeof message.i === 'string'
}

export type DecodedFrame =
  { ok: true; message: unknown } | { ok: false; code: 1003 | 1007 | 1008; reason: string }

/**
 * One WebSocket message from a browser client, decoded and checked before birpc sees it. What
 * fails gives the close code for the client: 1003 for a binary frame (the protocol is text),
 * 1007 for text that is not JSON, 1008 for JSON that is not a message of the contract.
 */
export function decodeClientFrame(data: RawData, isBinary: boolean): DecodedFrame {
  if (isBinary) return { ok: false, code: 1003, reason: 'binary messages are not accepted' }
  let message: unknown
  try {
    message = jsonCodec.deserialize(frameText(data))
  } catch {
    return { ok: false, code: 1007, reason: 'a message that is not JSON' }
  }
  return isClientRpcMessage(message)
    ? { ok: true, message }
    : { ok: false, code: 1008, reason: 'a message that is not a call of this app' }
}

function frameText(data: RawData): string {
  if (Array.isArray(data)) return Buffer.concat(data).toString()
  return (Buffer.isBuffer(data) ? data : Buffer.from(data)).toString()
}
