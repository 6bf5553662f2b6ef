import { createHash, randomBytes, timingSafeEqual } from 'node:crypto'
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'

/**
 * The API's key. It is generated here and shown once; only its SHA-256 is stored, in the data
 * folder. 32 random bytes need no slow hash: nobody can guess their way back from the digest.
 */
export interface ApiKeyRecord {
  sha256: string
  createdAt: string
}

export const apiKeyFileName = 'api-key.json'

const digest = (key: string) => createHash('sha256').update(key, 'utf8').digest('hex')

/**
 * The stored key's hash, and the key itself when it was made now (a first start, or `renew`):
 * the caller shows it; nobody can read it again later.
 */
export async function loadOrCreateApiKey(
  dataDirectory: string,
  renew = false,
): Promise<{ hash: string; newKey: string | null; file: string }> {
  const file = join(dataDirectory, apiKeyFileName)
  if (!renew) {
    const stored = await readRecord(file)
    if (stored) return { hash: stored.sha256, newKey: null, file }
  }
  const key = `ts-${randomBytes(32).toString('base64url')}`
  const record: ApiKeyRecord = { sha256: digest(key), createdAt: new Date().toISOString() }
  await mkdir(dataDirectory, { recursive: true })
  const temporary = `${file}.${process.pid}.tmp`
  await writeFile(temporary, `${JSON.stringify(record, null, 2)}\n`, { mode: 0o600 })
  await rename(temporary, file)
  return { hash: record.sha256, newKey: key, file }
}

/** The stored key's hash, or null when no key has been made yet. */
export async function readApiKeyHash(dataDirectory: string): Promise<string | null> {
  return (await readRecord(join(dataDirectory, apiKeyFileName)))?.sha256 ?? null
}

async function readRecord(file: string): Promise<ApiKeyRecord | null> {
  let text: string
  try {
    text = await readFile(file, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw error
  }
  const record = JSON.parse(text) as Partial<ApiKeyRecord>
  if (typeof record.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(record.sha256)) {
    throw new Error(`${file} holds no key hash; delete it or start with --new-api-key`)
  }
  return { sha256: record.sha256, createdAt: String(record.createdAt ?? '') }
}

/** Whether `authorization` (the header) carries the key whose hash is `hash`. */
export function keyMatches(hash: string, authorization: string | undefined): boolean {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '')
  if (!match?.[1]) return false
  return timingSafeEqual(Buffer.from(digest(match[1]), 'hex'), Buffer.from(hash, 'hex'))
}
