import type { EngineBridge } from '../shared/bridge'

declare global {
  interface Window {
    tokenscope?: EngineBridge
    /** Present only in the desktop app. */
    tokenscopeDesktop?: { pathForFile(file: File): string }
  }
}
export {}
