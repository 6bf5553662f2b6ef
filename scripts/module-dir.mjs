import { dirname } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * The folder of the module at `moduleUrl` (its import.meta.url) as a file-system path. A URL's
 * `pathname` keeps escapes (a space is `%20`) and has a leading slash before a Windows drive.
 */
export function moduleDir(moduleUrl) {
  return dirname(fileURLToPath(moduleUrl))
}
