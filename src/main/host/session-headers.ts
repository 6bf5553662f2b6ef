import * as fs from 'node:fs/promises'
import {
  sessionFileVersion,
  sessionSchemaVersion,
  type SessionSummary,
} from '../../shared/sessions'

/** The first line of a file (up to 64 KB of it), or '' if it cannot be read. */
export async function firstLine(file: string): Promise<string> {
  const handle = await fs.open(file, 'r').catch(() => null)
  if (!handle) return ''
  try {
    const buffer = Buffer.alloc(64 * 1024)
    const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0)
    const text = buffer.subarray(0, bytesRead).toString('utf8')
    const end = text.indexOf('\n')
    return end < 0 ? text : text.slice(0, end)
  } finally {
    await handle.close()
  }
}

export function parsedLine(line: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(line)
    return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {}
  } catch {
    return {}
  }
}

/**
 * The format of a file this version cannot read, or null. A snapshot starts with its header
 * (which has a sequence number) and the file's format; a file holding a whole document (what
 * format 1 wrote, or an exported session put here) starts with the document and its format.
 */
export function newerThanThis(first: Record<string, unknown>): number | null {
  const version = first.schemaVersion
  if (typeof version !== 'number') return null
  const newest = 'seq' in first ? sessionFileVersion : sessionSchemaVersion
  return version > newest ? version : null
}

export function parseHeader(line: string) {
  try {
    const header = JSON.parse(line) as Record<string, unknown>
    if (
      header.schemaVersion === sessionFileVersion &&
      typeof header.id === 'string' &&
      typeof header.title === 'string' &&
      typeof header.updatedAt === 'string' &&
      (header.kind === 'chat' || header.kind === 'completion' || header.kind === 'compare')
    )
      return header as {
        id: string
        title: string
        kind: SessionSummary['kind']
        updatedAt: string
      }
  } catch {
    // Not a header: the caller reads the whole file.
  }
  return null
}
