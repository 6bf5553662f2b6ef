/** Only web pages leave the app, to the user's browser: no file:, mailto:, custom or smb: URLs. */
export function mayOpenExternally(url: string): boolean {
  try {
    return new URL(url).protocol === 'https:'
  } catch {
    return false
  }
}
