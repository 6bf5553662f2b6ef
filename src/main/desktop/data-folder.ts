import { existsSync, renameSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'

/** Before the app had a productName, Electron named its data folder after the npm package. */
export const legacyFolderName = 'tokenscope'

/**
 * The data folder the app uses: `--data-dir DIR` (as `serve` takes it), else the environment's
 * TOKENSCOPE_DATA_DIR, else the platform default shared with `serve`.
 */
export function chooseDataFolder(
  argv: readonly string[],
  env: Readonly<Record<string, string | undefined>>,
  platformDefault: string,
): string {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!
    if (arg.startsWith('--data-dir=')) return arg.slice('--data-dir='.length)
    if (arg === '--data-dir' && argv[i + 1]) return argv[i + 1]!
  }
  return env.TOKENSCOPE_DATA_DIR || platformDefault
}

export type LegacyMove =
  | { moved: false; reason: 'no old folder' | 'new folder exists' }
  | { moved: true; from: string }
  | { moved: false; reason: 'failed'; from: string; error: string }

/**
 * Moves the old lowercase data folder (next to `folder`) to `folder`, once: only while the old
 * one exists and the new one does not. On a case-insensitive disk (macOS, Windows) the two names
 * are one folder, so the new one "exists" and nothing moves.
 */
export function moveLegacyDataFolder(folder: string): LegacyMove {
  const from = join(dirname(folder), legacyFolderName)
  if (basename(folder) === legacyFolderName || !existsSync(from)) {
    return { moved: false, reason: 'no old folder' }
  }
  if (existsSync(folder)) return { moved: false, reason: 'new folder exists' }
  try {
    renameSync(from, folder)
    return { moved: true, from }
  } catch (error) {
    return { moved: false, reason: 'failed', from, error: String(error) }
  }
}
