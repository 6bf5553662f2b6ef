import { useStore } from '../../hooks/useStore'
import { formatCount } from '../../lib/format'
import { card, cardTitle, mutedText } from '../../lib/ui'
import { visibleMessages } from '../../sessions/conversation'
import { engineStore, settingsStore } from '../../stores/stores'
import { chatGauge, droppedNotice, gaugeWarning, type ChatGaugeNumbers } from './chat-gauge'
import { isLive } from './chat-reducer'
import { chatRunStore, chatStore } from './chat-store'

function width(part: number, whole: number): string {
  return whole > 0 ? `${Math.min(100, (part / whole) * 100)}%` : '0%'
}

/** Room asked for, not used yet: hatched rather than filled. */
const hatched = {
  backgroundImage:
    'repeating-linear-gradient(135deg, rgb(139 92 246 / 0.5) 0 2px, rgb(139 92 246 / 0.12) 2px 5px)',
}

const segments: {
  key: keyof ChatGaugeNumbers
  label: string
  swatch: string
  hint: string
}[] = [
  {
    key: 'system',
    label: 'System',
    swatch: 'bg-slate-500 dark:bg-slate-400',
    hint: 'The system prompt with its template markup',
  },
  {
    key: 'history',
    label: 'Earlier turns',
    swatch: 'bg-sky-500',
    hint: 'Earlier messages, the newest message and the template markup around them',
  },
  { key: 'reply', label: 'Reply', swatch: 'bg-violet-500', hint: 'The reply written so far' },
  {
    key: 'reserve',
    label: 'Next reply',
    swatch: '',
    hint: 'What the next reply may still use: max tokens, or the room left if that is less',
  },
]

/** How full the context is, split into system prompt, earlier turns, reply and the room asked for. */
export function ChatGauge() {
  const chat = useStore(chatStore, (s) => s)
  const run = useStore(chatRunStore, (s) => s)
  const modelSize = useStore(engineStore, (s) => s.status?.model?.contextSize ?? null)
  const maxTokens = useStore(settingsStore, (s) => s.maxTokens)
  const messages = visibleMessages(chat.doc)
  const liveNode = messages.find((n) => isLive(chat, n.id))
  const last = [...messages].reverse().find((n) => n.role === 'assistant' && n.run)
  const size = (liveNode ? run.contextSize : null) ?? chat.contextSize ?? modelSize ?? 0
  const g = liveNode
    ? chatGauge({
        size,
        parts: chat.parts[liveNode.id] ?? null,
        promptCount: run.promptCount,
        replyTokens: run.tokenCount,
        maxTokens: run.maxTokens || maxTokens,
        generating: true,
      })
    : chatGauge({
        size,
        parts: last ? (chat.parts[last.id] ?? null) : null,
        promptCount: last?.run?.prompt.length ?? 0,
        replyTokens: last?.run?.tokens.length ?? 0,
        maxTokens,
        generating: false,
      })
  const warning = gaugeWarning(g.level)
  const dropped = droppedNotice(g.dropped)
  const ring =
    g.level === 'critical'
      ? 'ring-2 ring-red-500/70'
      : g.level === 'warn'
        ? 'ring-2 ring-orange-400/70'
        : ''
  return (
    <section
      data-testid="chat-context-gauge"
      data-used={g.used}
      data-size={g.size}
      data-system={g.system}
      data-history={g.history}
      data-reply={g.reply}
      data-reserve={g.reserve}
      data-level={g.level}
      aria-labelledby="chat-gauge-title"
      className={`${card} p-4`}
    >
      <div className="flex items-baseline justify-between">
        <h2 id="chat-gauge-title" className={cardTitle}>
          Context
        </h2>
        <p className="text-sm tabular-nums">
          <span className="font-semibold">{formatCount(g.used)}</span>
          <span className={mutedText}> / {g.size > 0 ? formatCount(g.size) : '—'} tokens</span>
        </p>
      </div>
      <div
        role="meter"
        aria-label="Context used"
        aria-valuemin={0}
        aria-valuemax={g.size}
        aria-valuenow={g.used}
        aria-valuetext={`${g.used} of ${g.size} tokens: system ${g.system}, earlier turns ${g.history}, reply ${g.reply}; the next reply may use ${g.reserve}`}
        className={`mt-3 flex h-2.5 overflow-hidden rounded-full bg-slate-100 dark:bg-slate-800 ${ring}`}
      >
        {segments.map((s) => (
          <div
            key={s.key}
            className={`h-full transition-[width] duration-150 ${s.swatch}`}
            style={{
              width: width(g[s.key] as number, g.size),
              ...(s.key === 'reserve' ? hatched : {}),
            }}
          />
        ))}
      </div>
      <dl className="mt-2.5 grid grid-cols-2 gap-x-4 gap-y-1 text-xs tabular-nums">
        {segments.map((s) => (
          <div key={s.key} className="flex items-center gap-1.5" title={s.hint}>
            <span
              aria-hidden="true"
              className={`size-2 shrink-0 rounded-sm ${s.swatch}`}
              style={s.key === 'reserve' ? hatched : undefined}
            />
            <dt className={mutedText}>{s.label}</dt>
            <dd className="ml-auto font-medium">{formatCount(g[s.key] as number)}</dd>
          </div>
        ))}
        <div className="col-span-2 flex items-center gap-1.5">
          <span
            aria-hidden="true"
            className="size-2 shrink-0 rounded-sm bg-slate-100 ring-1 ring-slate-300 dark:bg-slate-800 dark:ring-slate-600"
          />
          <dt className={mutedText}>Free after that</dt>
          <dd className="ml-auto font-medium">{g.size > 0 ? formatCount(g.free) : '—'}</dd>
        </div>
      </dl>
      {warning && (
        <p
          data-testid="context-warning"
          className={`mt-2 text-xs ${g.level === 'critical' ? 'text-red-700 dark:text-red-300' : 'text-orange-700 dark:text-orange-300'}`}
        >
          {warning}
        </p>
      )}
      {dropped && <p className="mt-2 text-xs text-amber-800 dark:text-amber-200">{dropped}</p>}
    </section>
  )
}
