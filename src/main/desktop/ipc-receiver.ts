import { isClientRpcMessage } from '../host/client-messages'

export interface IpcReceiverOptions<Event> {
  /** Only our own page may talk to the engine; a navigated-away or embedded frame may not. */
  isTrustedSender(event: Event): boolean
  /** Hands a checked message to the RPC server. */
  deliver(message: unknown): void
  warn(line: string): void
}

/**
 * The listener for the window's RPC channel. A message goes through the same check as one that
 * comes over the WebSocket (`isClientRpcMessage`): birpc throws on a message that is not one of
 * its own (asynchronously, out of reach of any caller), so a malformed one is dropped here, and
 * a message from any other sender is ignored. Nothing a page sends can throw out of it.
 */
export function ipcMessageReceiver<Event>(
  options: IpcReceiverOptions<Event>,
): (event: Event, message: unknown) => void {
  return (event, message) => {
    try {
      if (!options.isTrustedSender(event)) return
      if (isClientRpcMessage(message)) options.deliver(message)
      else options.warn('ignored a malformed message from the window')
    } catch (error) {
      options.warn(`failed to handle a message from the window: ${String(error)}`)
    }
  }
}
