import { randomBytes } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'
import { WebSocketServer, type WebSocket } from 'ws'
import { join } from 'node:path'
import type { AppService, EngineEvents } from '../../shared/contract'
import { jsonCodec, serveEngine, type EngineServer } from '../../shared/rpc'
import { EngineSupervisor, type EngineLauncher } from './engine-supervisor'
import { composeAppService } from './app-service'
import { trackClientRuns } from './client-runs'
import { createModelFiles } from './model-files'
import { decodeClientFrame } from './client-messages'
import { checkRequest, sessionCookieName, type BrowserSessions } from './request-guard'
import { createSessionStore } from './session-store'
import { sendStaticFile } from './static-files'
import { contentSecurityPolicy } from '../util/content-security'
import { createApiControl } from '../api/api-control'
import type { ApiServer } from '../api/api-server'
import { createRemoteEngines } from '../remote/remote-engines'

export interface ServeHostOptions {
  launcher: EngineLauncher
  rendererDir: string
  /** 0 picks a free port. */
  port: number
  /** Where sessions are saved. */
  dataDirectory: string
  log: (line: string) => void
  /** Also serve the OpenAI-compatible API (`--api`), on its own port. */
  api?: { port: number; keyHash: string; record: boolean }
}

export interface ServeHost {
  url: string
  port: number
  supervisor: EngineSupervisor
  /** What the UI's clients call; the OpenAI-compatible API calls it too. */
  service: AppService
  /** The API when it was started with `--api` (the Server panel can turn it off again). */
  api: ApiServer | null
  /** A path named on the command line (--model), which the file-path methods may then use. */
  allowPath(path: string): void
  close(): Promise<void>
}

const maxMessageBytes = 4 * 1024 * 1024

/** Session ids for pages that came with the key; they live as long as this launch. */
function createBrowserSessions(): BrowserSessions {
  const ids = new Set<string>()
  return {
    issue() {
      const id = randomBytes(24).toString('base64url')
      ids.add(id)
      return id
    },
    has: (id) => ids.has(id),
  }
}

/** Browser mode: the built UI over HTTP and the engine contract over a WebSocket, loopback only. */
export async function startServeHost(options: ServeHostOptions): Promise<ServeHost> {
  const token = randomBytes(24).toString('base64url')
  const browserSessions = createBrowserSessions()
  const clients = new Set<EngineServer<AppService>>()
  const broadcast: EngineEvents = {
    onRunEvent: (event) => clients.forEach((c) => void c.onRunEvent(event)),
    onStatus: (status) => clients.forEach((c) => void c.onStatus(status)),
    onDownload: (progress) => clients.forEach((c) => void c.onDownload(progress)),
  }
  const supervisor = new EngineSupervisor(options.launcher, broadcast)
  supervisor.start()
  const sessions = createSessionStore({
    directory: join(options.dataDirectory, 'sessions'),
    log: options.log,
  })
  const modelFiles = createModelFiles(options.dataDirectory, broadcast.onDownload)
  const apiControl = createApiControl({
    dataDirectory: options.dataDirectory,
    service: () => service,
    observe: (observer) => supervisor.observeRunEvents(observer),
    observeStatus: (observer) => supervisor.observeStatus(observer),
    log: options.log,
  })
  const remote = createRemoteEngines({
    dataDirectory: options.dataDirectory,
    log: options.log,
    emit: (event) => supervisor.emitRunEvent(event),
  })
  const service = composeAppService(
    supervisor,
    sessions,
    modelFiles,
    options.log,
    apiControl,
    remote,
  )

  let port = options.port
  const sockets = new WebSocketServer({ noServer: true, maxPayload: maxMessageBytes })
  const server = createServer((request: IncomingMessage, response: ServerResponse) => {
    const verdict = checkRequest(request, port, token, browserSessions)
    if (!verdict.ok) {
      options.log(`refused ${request.method} ${request.url?.split('?')[0]}: ${verdict.reason}`)
      response.writeHead(verdict.status, { 'Content-Type': 'text/plain; charset=utf-8' })
      response.end(
        verdict.status === 400
          ? `Bad request (${verdict.reason}).`
          : `Access denied (${verdict.reason}). Open the address that "npm run serve" printed.`,
      )
      return
    }
    if (verdict.tokenFromUrl && verdict.target.pathname === '/') {
      // The key leaves the address bar (and the history) at once: the page comes back without
      // it, let in by a session id in its cookie.
      verdict.target.searchParams.delete('token')
      response.writeHead(303, {
        'Set-Cookie': `${sessionCookieName(port)}=${browserSessions.issue()}; HttpOnly; SameSite=Strict; Path=/`,
        Location: `/${verdict.target.search}`,
        'Cache-Control': 'no-store',
      })
      response.end()
      return
    }
    // The Host header is one of the loopback names checkRequest allows, so it is the page's origin.
    const csp = contentSecurityPolicy({ kind: 'serve', origin: `http://${request.headers.host}` })
    sendStaticFile(options.rendererDir, verdict.target.pathname, response, {
      'Content-Security-Policy': csp,
    }).catch((error) => {
      options.log(`failed to serve ${verdict.target.pathname}: ${String(error)}`)
      if (!response.headersSent) response.writeHead(500)
      response.end()
    })
  })

  server.on('upgrade', (request, socket, head) => {
    // Until ws takes the socket over, a client that resets it must not end the host.
    socket.on('error', () => socket.destroy())
    const verdict = checkRequest(request, port, token, browserSessions)
    if (!verdict.ok || verdict.target.pathname !== '/rpc') {
      socket.end(`HTTP/1.1 ${verdict.ok ? 404 : verdict.status} Refused\r\n\r\n`)
      return
    }
    sockets.handleUpgrade(request, socket, head, (ws) => attachClient(ws))
  })

  function attachClient(ws: WebSocket) {
    const listeners = new Set<(message: unknown) => void>()
    ws.on('message', (data, isBinary) => {
      const frame = decodeClientFrame(data, isBinary)
      if (frame.ok) {
        listeners.forEach((l) => l(frame.message))
      } else {
        options.log(`closing a client connection: ${frame.reason}`)
        ws.close(frame.code, frame.reason)
      }
    })
    const owned = trackClientRuns(service)
    const client = serveEngine(
      {
        post: (message) => {
          if (ws.readyState === ws.OPEN) ws.send(message as string)
        },
        on: (listener) => listeners.add(listener),
        off: (listener) => listeners.delete(listener),
      },
      owned.service,
      // Messages arrive decoded and checked (decodeClientFrame); only replies are encoded here.
      { serialize: jsonCodec.serialize },
    )
    clients.add(client)
    // A client that breaks the protocol (e.g. a message over maxPayload) loses its connection,
    // never the host: ws closes the socket itself (1009 for a message too big), but without a
    // listener its error event would end the process.
    ws.on('error', (error) => options.log(`closing a client connection: ${error.message}`))
    ws.on('close', () => {
      clients.delete(client)
      client.$close()
      owned.cancelAll()
    })
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  let api: ApiServer | null = null
  if (options.api) {
    const { port: apiPort, record, keyHash } = options.api
    api = await apiControl
      .startWith({ port: apiPort, recording: record }, keyHash)
      .catch(async (error: unknown) => {
        await new Promise<void>((resolve) => server.close(() => resolve()))
        supervisor.stop()
        throw error
      })
  } else {
    await apiControl.restore()
  }
  return {
    url: `http://127.0.0.1:${port}/?token=${token}`,
    port,
    supervisor,
    service,
    api,
    allowPath: (path) => modelFiles.access.allow(path, 'file'),
    async close() {
      await apiControl.close()
      remote.close()
      supervisor.stop()
      sockets.clients.forEach((ws) => ws.terminate())
      await new Promise<void>((resolve) => server.close(() => resolve()))
      await sessions.close()
    },
  }
}
