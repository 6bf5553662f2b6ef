import { AppFailure } from '../../shared/errors'
import { downloadFailure } from './download-errors'
import { huggingFaceBase, type QuantAddress, type Resolve } from './download-policy'
import { openDownload } from './download-request'

/** What llama.cpp's `-hf owner/repo` picks when no quantization is named. */
const defaultQuant = 'Q4_K_M'
const maxListingBytes = 16 * 1024 * 1024
const splitPart = /-(\d{5})-of-(\d{5})\.gguf$/i

interface TreeEntry {
  type?: unknown
  path?: unknown
}

export interface ResolveContext {
  allowLocal: boolean
  signal: AbortSignal
  resolve?: Resolve
}

function refuse(message: string, hint: string): never {
  throw new AppFailure({ code: 'download-failed', message, hint })
}

/** `Q4_K_M` in `model-Q4_K_M.gguf`, `model.q4_k_m-00001-of-00002.gguf`, not in `…Q4_K_M_L…`. */
function namesQuant(path: string, quant: string): boolean {
  const escaped = quant.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')
  return new RegExp(`(^|[-._/])${escaped}([-.]|$)`, 'i').test(path)
}

/** The model files of a listing: one entry per model (a split model by its first part). */
function modelFiles(entries: TreeEntry[]): string[] {
  const paths = entries
    .filter((e) => e.type === 'file' && typeof e.path === 'string')
    .map((e) => e.path as string)
    .filter((path) => path.toLowerCase().endsWith('.gguf') && !/mmproj/i.test(path))
    .filter((path) => Number(splitPart.exec(path)?.[1] ?? 1) === 1)
  return [...new Set(paths)]
}

const quantOf = (path: string) =>
  /(?:^|[-._])((?:I?Q\d[\w]*|F16|BF16|F32))(?:-\d{5}-of-\d{5})?\.gguf$/i.exec(path)?.[1]

/** Pages of the file list read at most (Hugging Face sends 1,000 entries a page). */
const maxPages = 20

/** One page of the repository's file list, and the address of the next page if there is one. */
async function fetchPage(url: URL, name: string, context: ResolveContext) {
  const response = await openDownload({
    url,
    viaHf: true,
    headers: { Accept: 'application/json' },
    ...context,
  }).catch((error: unknown) => {
    // The listing's 404 (or the 401 Hugging Face sends for a repository it will not show).
    if (error instanceof AppFailure && /no such file|refused access/.test(error.message)) {
      refuse(
        `Hugging Face has no repository ${name}, or it is private.`,
        'Check the owner, repository name (case-sensitive) and revision. Private repositories need HF_TOKEN set when Tokenscope starts.',
      )
    }
    throw error
  })
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response.body as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > maxListingBytes) {
      response.cancel()
      throw downloadFailure(`The file list of ${name} is too large to read.`)
    }
    chunks.push(chunk)
  }
  const next = /<([^>]+)>;\s*rel="next"/.exec(response.header('link') ?? '')?.[1]
  try {
    const list = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown
    if (!Array.isArray(list)) throw new Error('not a list')
    return { entries: list as TreeEntry[], next: next ? new URL(next, url) : null }
  } catch {
    throw downloadFailure(`Hugging Face sent an unreadable file list for ${name}.`, 'Press Retry.')
  }
}

async function fetchListing(address: QuantAddress, context: ResolveContext): Promise<TreeEntry[]> {
  const { owner, repo, revision } = address
  const name = `${owner}/${repo}${revision === 'main' ? '' : ` at ${revision}`}`
  let url: URL | null = new URL(
    `api/models/${owner}/${repo}/tree/${encodeURIComponent(revision)}?recursive=true`,
    huggingFaceBase(),
  )
  const entries: TreeEntry[] = []
  for (let page = 0; url && page < maxPages; page++) {
    const answer = await fetchPage(url, name, context)
    entries.push(...answer.entries)
    url = answer.next
  }
  return entries
}

/**
 * Turns `hf:owner/repo:QUANT` into the address of its file, as llama.cpp's `-hf` does, from the
 * repository's file list: exactly one model file must carry the quantization in its name.
 */
export async function resolveQuantFile(
  address: QuantAddress,
  context: ResolveContext,
): Promise<URL> {
  const files = modelFiles(await fetchListing(address, context))
  const name = `hf:${address.owner}/${address.repo}`
  const quant = address.quant ?? (files.length === 1 ? null : defaultQuant)
  const matching = quant === null ? files : files.filter((path) => namesQuant(path, quant))
  const available = [...new Set(files.map(quantOf).filter(Boolean))].join(', ')
  if (files.length === 0) {
    refuse(
      `${name} has no .gguf model files.`,
      'Choose a repository with GGUF files (the name often ends in -GGUF).',
    )
  }
  if (matching.length === 0) {
    refuse(
      `${name} has no ${quant} file.`,
      available
        ? `It has: ${available}. Add one after a colon, e.g. ${name}:${files.map(quantOf).find(Boolean)}.`
        : `Name the file: ${name}/file.gguf.`,
    )
  }
  if (matching.length > 1) {
    refuse(
      `${name}${address.quant ? `:${address.quant}` : ''} matches ${matching.length} files: ${matching.slice(0, 5).join(', ')}${matching.length > 5 ? ', …' : ''}.`,
      `Name the file itself: ${name}/${matching[0]}.`,
    )
  }
  const [file = ''] = matching
  const encoded = file.split('/').map(encodeURIComponent).join('/')
  return new URL(
    `${address.owner}/${address.repo}/resolve/${encodeURIComponent(address.revision)}/${encoded}`,
    huggingFaceBase(),
  )
}
