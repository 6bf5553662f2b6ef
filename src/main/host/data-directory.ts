import { homedir } from 'node:os'
import { join } from 'node:path'

/** Where browser mode keeps sessions: the same place the desktop app's userData would be. */
export function defaultDataDirectory(): string {
  const home = homedir()
  switch (process.platform) {
    case 'darwin':
      return join(home, 'Library', 'Application Support', 'Tokenscope')
    case 'win32':
      return join(process.env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Tokenscope')
    default:
      return join(process.env.XDG_CONFIG_HOME ?? join(home, '.config'), 'Tokenscope')
  }
}
