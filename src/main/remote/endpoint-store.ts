import { randomBytes } from 'node:crypto'
import { chmod, mkdir, readFile, rename, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { AppFailure } from '../../shared/errors'
import type { RemoteEndpoint, ReportedProbability } from '../../shared/remote'

/** An endpoint as the host keeps it: with its key, which only the host ever reads. */
export interface SavedEndpoint {
  id: string
  url: string
  key: string | null
  probabilities: ReportedProbability
}

export const endpointsFileName = 'remote-endpoints.json'
const maxEndpoints = 50

/** The endpoint without its key, as the UI may see it. */
export function publicEndpoint(endpoint: SavedEndpoint): RemoteEndpoint {
  return {
    id: endpoint.id,
    url: endpoint.url,
    keyHint: endpoint.key ? endpoint.key.slice(-4) : null,
    probabilities: endpoint.probabilities,
  }
}

/**
 * The base URL a user typed, as requests use it: http or https only, no credentials or query in
 * it, ending in /v1 (added when the user gave the server's root, as most peers document).
 */
export function normaliseBaseUrl(text: string): string {
  let url: URL
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`)
  } catch {
    throw invalid(`"${text.slice(0, 200)}" is not a web address.`)
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:')
    throw invalid(`${url.protocol} addresses are not supported; use http:// or https://.`)
  if (url.username || url.password)
    throw invalid('Put the key in the key field, not in the address.')
  url.search = ''
  url.hash = ''
  const path = url.pathname.replace(/\/+$/, '')
  url.pathname = /\/v\d+$/.test(path) ? path : `${path}/v1`
  return url.toString().replace(/\/$/, '')
}

const invalid = (message: string) =>
  new AppFailure({
    code: 'invalid-request',
    message,
    hint: 'An address looks like http://gpu-box:8080/v1.',
  })

function readSaved(value: unknown): SavedEndpoint | null {
  if (typeof value !== 'object' || value === null) return null
  const { id, url, key, probabilities } = value as Record<string, unknown>
  if (typeof id !== 'string' || !/^[A-Za-z0-9_-]{1,64}$/.test(id) || typeof url !== 'string')
    return null
  try {
    return {
      id,
      url: normaliseBaseUrl(url),
      key: typeof key === 'string' && key !== '' ? key : null,
      probabilities: probabilities === 'sampling' ? 'sampling' : 'model',
    }
  } catch {
    return null
  }
}

/**
 * The saved endpoints, in the data folder (readable by this user only, as it holds keys). A
 * damaged file is logged and read as empty rather than stopping the host.
 */
export function createEndpointStore(dataDirectory: string, log: (line: string) => void) {
  const file = join(dataDirectory, endpointsFileName)
  let endpoints: SavedEndpoint[] | null = null

  async function load(): Promise<SavedEndpoint[]> {
    if (endpoints) return endpoints
    try {
      const parsed = JSON.parse(await readFile(file, 'utf8')) as unknown
      const list = Array.isArray(parsed) ? parsed : []
      endpoints = list.map(readSaved).filter((e): e is SavedEndpoint => e !== null)
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        log(`could not read ${file}; starting with no remote endpoints: ${String(error)}`)
      endpoints = []
    }
    return endpoints
  }

  async function save(list: SavedEndpoint[]) {
    await mkdir(dataDirectory, { recursive: true })
    const temporary = `${file}.${process.pid}.tmp`
    await writeFile(temporary, `${JSON.stringify(list, null, 2)}\n`, { mode: 0o600 })
    await chmod(temporary, 0o600)
    await rename(temporary, file)
    endpoints = list
  }

  return {
    list: load,
    async get(id: string): Promise<SavedEndpoint> {
      const found = (await load()).find((e) => e.id === id)
      if (!found)
        throw new AppFailure({
          code: 'invalid-request',
          message: 'That remote endpoint is no longer saved.',
          hint: 'Add it again in Models → Remote engines.',
        })
      return found
    },
    /**
     * Saves an endpoint; the same address again (a second click) updates it instead, keeping the
     * saved key when no new one is given (changing the log-probabilities needs no key retyped).
     */
    async add(url: string, key: string | null, probabilities: ReportedProbability) {
      const list = await load()
      const saved = list.find((e) => e.url === normaliseBaseUrl(url))
      if (saved) {
        const updated = { ...saved, key: key ?? saved.key, probabilities }
        await save(list.map((e) => (e === saved ? updated : e)))
        return updated
      }
      if (list.length >= maxEndpoints)
        throw new AppFailure({
          code: 'invalid-request',
          message: `At most ${maxEndpoints} remote endpoints can be saved.`,
          hint: 'Remove one you no longer use.',
        })
      const endpoint = {
        id: randomBytes(9).toString('base64url'),
        url: normaliseBaseUrl(url),
        key,
        probabilities,
      }
      await save([...list, endpoint])
      return endpoint
    },
    async remove(id: string) {
      await save((await load()).filter((e) => e.id !== id))
    },
  }
}

export type EndpointStore = ReturnType<typeof createEndpointStore>
