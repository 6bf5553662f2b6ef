import { randomBytes } from 'node:crypto'
import type { AppService } from '../../shared/contract'
import type { ModelInfo } from '../../shared/engine-status'
import { defaultSampling } from '../../shared/schemas'
import { sessionSchemaVersion, type SessionDocument, type SessionNode } from '../../shared/sessions'
import type { ApiPlan } from './request-mapping'

/**
 * API requests saved as sessions the user can open like their own: a completion as a Completion
 * session (the prompt, and one completion per choice), a chat as a Chat session (the messages,
 * and one reply per choice, as siblings). The host records each run's tokens as they pass, as it
 * does for the UI's runs (run-recorder.ts): the plan's runs carry where.
 */
export function sessionForPlan(
  plan: ApiPlan,
  model: ModelInfo,
  now: string,
  id = randomBytes(12).toString('base64url'),
): SessionDocument {
  const node = (
    nodeId: string,
    parentId: string | null,
    role: SessionNode['role'],
    text: string,
  ): SessionNode => ({ id: nodeId, parentId, role, text, run: null, createdAt: now })
  const nodes: SessionNode[] = []
  let parentId: string | null = null
  let title: string
  let system = ''
  if ('prompt' in plan.input) {
    title = plan.input.prompt
    parentId = `${id}-prompt`
    nodes.push(node(parentId, null, 'prompt', plan.input.prompt))
  } else {
    const { chat } = plan.input
    system = chat.system
    title = chat.messages[chat.messages.length - 1]?.content ?? ''
    chat.messages.forEach((message, i) => {
      const nodeId = `${id}-m${i}`
      nodes.push(node(nodeId, parentId, message.role, message.content))
      parentId = nodeId
    })
  }
  const replyRole = plan.kind === 'chat' ? 'assistant' : 'completion'
  for (const run of plan.runs) nodes.push(node(run.runId, parentId, replyRole, ''))
  const first = plan.runs[0]
  return {
    schemaVersion: sessionSchemaVersion,
    id,
    title: `API: ${oneLine(title)}`.slice(0, 80),
    kind: plan.kind,
    createdAt: now,
    updatedAt: now,
    system,
    model: { name: model.name, fileName: model.fileName, sha256: model.sha256 },
    settings: {
      sampling: first?.sampling ?? defaultSampling,
      maxTokens: plan.maxTokens,
      topN: Math.max(1, plan.logprobs ?? 0),
    },
    nodes,
    currentLeafId: first?.runId ?? null,
  }
}

const oneLine = (text: string) => text.replace(/\s+/g, ' ').trim()

/**
 * Saves a new session for the plan and returns the plan with each run recorded into it; the
 * plan as it was if the session could not be made (the request still runs, unrecorded).
 */
export async function recordPlan(
  service: AppService,
  plan: ApiPlan,
  model: ModelInfo,
  log: (line: string) => void,
): Promise<{ plan: ApiPlan; sessionId: string | null }> {
  const document = sessionForPlan(plan, model, new Date().toISOString())
  try {
    await service.updateSession({ id: document.id, intents: [{ type: 'created', document }] })
  } catch (error) {
    log(
      `api: not recording this request: ${error instanceof Error ? error.message : String(error)}`,
    )
    return { plan, sessionId: null }
  }
  return {
    plan: {
      ...plan,
      runs: plan.runs.map((run) => ({
        ...run,
        record: { sessionId: document.id, target: { nodeId: run.runId } },
      })),
    },
    sessionId: document.id,
  }
}
