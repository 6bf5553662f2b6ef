/** Multi-turn chat with the model's own template. */
export function ChatView() {
  return <main id="chat" className="min-h-0 flex-1 p-4" />
}
