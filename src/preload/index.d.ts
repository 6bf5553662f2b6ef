import type { EngineBridge } from '../shared/bridge'

declare global {
  interface Window {
    tokenscope?: EngineBridge
  }
}
export {}
