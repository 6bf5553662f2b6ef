import { lookup } from 'node:dns/promises'
import { BlockList, isIP } from 'node:net'
import { AppFailure } from '../../shared/errors'

/**
 * Hugging Face refuses files over 50 GB (bigger models come split), so a single download past
 * this is not a model file from there; other hosts get the same generous ceiling.
 */
export const defaultMaxDownloadBytes = 128 * 1024 ** 3

const hfHelp =
  'Use hf:owner/repository:QUANT or hf:owner/repository/file.gguf, e.g. hf:Qwen/Qwen2.5-0.5B-Instruct-GGUF:Q4_K_M.'

function refuse(message: string, hint?: string): never {
  throw new AppFailure({ code: 'invalid-request', message, ...(hint ? { hint } : {}) })
}

/** Hugging Face, or the mirror that HF_ENDPOINT names (as huggingface_hub and llama.cpp read it). */
export function huggingFaceBase(): URL {
  const endpoint = process.env.HF_ENDPOINT?.trim()
  try {
    return new URL(endpoint ? endpoint.replace(/\/*$/, '/') : 'https://huggingface.co/')
  } catch {
    return new URL('https://huggingface.co/')
  }
}

/** `hf:owner/repo:QUANT` (or no quant): a file that the repository's file list decides. */
export interface QuantAddress {
  owner: string
  repo: string
  quant: string | null
  revision: string
}

export type ModelAddress = { url: URL; viaHf: boolean } | { quant: QuantAddress }

const namePart = /^[\w.-]+$/

/** `hf:owner/repo/path/file.gguf[#revision]` or `hf:owner/repo[:QUANT][#revision]`. */
function parseHuggingFace(input: string): string | QuantAddress {
  const rest = input.replace(/^hf:\/*/i, '')
  const [path = '', revision = 'main', ...extra] = rest.split('#')
  const parts = path.split('/')
  if (extra.length > 0 || revision === '' || /[\s?]/.test(rest)) {
    refuse(`"${input}" is not a valid hf: address.`, hfHelp)
  }
  if (parts.length === 2) {
    const [owner = '', named = ''] = parts
    const [repo = '', quant, ...more] = named.split(':')
    if (!namePart.test(owner) || !namePart.test(repo) || more.length > 0 || quant === '') {
      refuse(`"${input}" does not name a Hugging Face repository.`, hfHelp)
    }
    if (quant !== undefined && !namePart.test(quant)) {
      refuse(`"${input}" names no valid quantization.`, hfHelp)
    }
    return { owner, repo, quant: quant ?? null, revision }
  }
  if (parts.length < 3 || parts.some((part) => part === '' || part === '.' || part === '..')) {
    refuse(`"${input}" does not name a file in a Hugging Face repository.`, hfHelp)
  }
  const [owner, repo, ...file] = parts
  const encoded = file.map(encodeURIComponent).join('/')
  return new URL(
    `${owner}/${repo}/resolve/${encodeURIComponent(revision)}/${encoded}`,
    huggingFaceBase(),
  ).toString()
}

/** Checks the typed address and turns `hf:` shorthand into a URL or a quantization to look up. */
export function parseModelAddress(input: string): ModelAddress {
  const text = input.trim()
  const isHf = /^hf:/i.test(text)
  let url: URL
  try {
    const parsed = isHf ? parseHuggingFace(text) : text
    if (typeof parsed !== 'string') return { quant: parsed }
    url = new URL(parsed)
  } catch (error) {
    if (error instanceof AppFailure) throw error
    refuse(`"${text}" is not a web address or hf: address.`, `Use https://…/model.gguf. ${hfHelp}`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    refuse(
      `Only http and https downloads are supported, not ${url.protocol.replace(/:$/, '')}.`,
      'Use an https:// address or an hf: address.',
    )
  }
  if (url.username || url.password) {
    refuse('Addresses with a user name or password are not accepted.')
  }
  if (!url.pathname.toLowerCase().endsWith('.gguf')) {
    refuse(
      isHf ? `"${text}" does not name a .gguf file.` : 'The address does not name a .gguf file.',
      'Link to the model file itself, e.g. …/model-Q4_K_M.gguf.',
    )
  }
  return { url, viaHf: isHf }
}

/** The URL of a typed file address; a quantization address is refused (it needs a look-up). */
export function resolveModelUrl(input: string): URL {
  const address = parseModelAddress(input)
  if ('quant' in address) refuse(`"${input.trim()}" names a repository, not a file.`, hfHelp)
  return address.url
}

// Addresses that are this machine or its local network rather than the public internet.
const local = new BlockList()
for (const [net, prefix] of [
  ['0.0.0.0', 8],
  ['10.0.0.0', 8],
  ['100.64.0.0', 10],
  ['127.0.0.0', 8],
  ['169.254.0.0', 16],
  ['172.16.0.0', 12],
  ['192.0.0.0', 24],
  ['192.168.0.0', 16],
  ['198.18.0.0', 15],
  ['224.0.0.0', 3],
] as const) {
  local.addSubnet(net, prefix, 'ipv4')
}
for (const [net, prefix] of [
  ['::', 127],
  ['fc00::', 7],
  ['fe80::', 10],
  ['ff00::', 8],
  ['64:ff9b:1::', 48],
] as const) {
  local.addSubnet(net, prefix, 'ipv6')
}

/** True for loopback, private, link-local, carrier-grade NAT, multicast and unspecified IPs. */
export function isLocalAddress(ip: string): boolean {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(ip)?.[1]
  if (mapped) return isLocalAddress(mapped)
  const family = isIP(ip)
  if (family === 0) return true
  return local.check(ip, family === 4 ? 'ipv4' : 'ipv6')
}

export type Resolve = (hostname: string) => Promise<string[]>

export const resolveHost: Resolve = async (hostname) =>
  (await lookup(hostname, { all: true, verbatim: true })).map((entry) => entry.address)
