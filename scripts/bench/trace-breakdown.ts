/**
 * Reads a Chromium trace of the renderer's main thread: what its tasks spend their CPU on, by the
 * trace's own events (style, layout, paint, GC, script) and, inside script, by the V8 sampling
 * profiler's stacks (React render, React commit, Markdown parse, message decoding…).
 */

/** The trace categories the breakdown reads: tasks, layout and paint, and V8's samples. */
export const traceCategories = [
  'toplevel',
  'devtools.timeline',
  'disabled-by-default-devtools.timeline',
  'blink.user_timing',
  'v8',
  'v8.execute',
  'disabled-by-default-v8.cpu_profiler',
]

export interface TraceEvent {
  name: string
  cat: string
  ph: string
  ts: number
  dur?: number
  /** Thread (CPU) time, where the trace has it. */
  tdur?: number
  pid: number
  tid: number | string
  id?: string
  args?: Record<string, unknown> & { name?: string; data?: Record<string, unknown> }
}

interface Span {
  name: string
  ts: number
  end: number
  /** CPU time, less what nested spans took. */
  self: number
  cpu: number
}

const kinds: Record<string, string> = {
  UpdateLayoutTree: 'style',
  RecalculateStyles: 'style',
  ParseAuthorStyleSheet: 'style',
  Layout: 'layout',
  PrePaint: 'paint',
  Paint: 'paint',
  Layerize: 'paint',
  UpdateLayer: 'paint',
  UpdateLayerTree: 'paint',
  Commit: 'paint',
  PaintImage: 'paint',
  MinorGC: 'gc',
  MajorGC: 'gc',
  HitTest: 'hit-test',
}

function kindOf(name: string): string {
  if (kinds[name]) return kinds[name]
  if (name.startsWith('V8.GC') || name.startsWith('BlinkGC') || name.includes('GarbageCollect'))
    return 'gc'
  return 'script/other'
}

/** The main thread's nested spans (X events and B/E pairs), each with its self time. */
function mainThreadSpans(events: readonly TraceEvent[]): { spans: Span[]; tasks: Span[] } {
  const main = events.find((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain')
  if (!main) throw new Error('no renderer main thread in the trace')
  const own = events.filter((e) => e.pid === main.pid && e.tid === main.tid)
  const spans: Span[] = []
  for (const e of own) {
    if (e.ph === 'X' && e.dur !== undefined) {
      const cpu = e.tdur ?? e.dur
      spans.push({ name: e.name, ts: e.ts, end: e.ts + e.dur, self: cpu, cpu })
    }
  }
  spans.sort((a, b) => a.ts - b.ts || b.end - a.end)
  const stack: Span[] = []
  const tasks: Span[] = []
  for (const span of spans) {
    while (stack.length && (stack[stack.length - 1]?.end ?? 0) <= span.ts) stack.pop()
    const parent = stack[stack.length - 1]
    if (parent) parent.self -= span.cpu
    else tasks.push(span)
    stack.push(span)
  }
  return { spans, tasks }
}

interface Sample {
  ts: number
  weight: number
  stack: string[]
}

/** The V8 sampling profile of the renderer's main isolate: each sample's time and stack. */
function samplesOf(events: readonly TraceEvent[], pid: number): Sample[] {
  const byProfile = new Map<
    string,
    {
      start: number
      nodes: Map<number, { name: string; parent?: number }>
      samples: number[]
      deltas: number[]
    }
  >()
  for (const e of events) {
    if (e.pid !== pid || !e.id) continue
    const data = e.args?.data as Record<string, never> | undefined
    if (e.name === 'Profile') {
      byProfile.set(e.id, {
        start: Number(data?.startTime ?? e.ts),
        nodes: new Map(),
        samples: [],
        deltas: [],
      })
    } else if (e.name === 'ProfileChunk') {
      const profile = byProfile.get(e.id)
      const cpu = data?.cpuProfile as
        | {
            nodes?: { id: number; parent?: number; callFrame: { functionName: string } }[]
            samples?: number[]
          }
        | undefined
      if (!profile || !cpu) continue
      for (const node of cpu.nodes ?? [])
        profile.nodes.set(node.id, {
          name: node.callFrame.functionName || '(anonymous)',
          parent: node.parent,
        })
      profile.samples.push(...(cpu.samples ?? []))
      profile.deltas.push(...((data?.timeDeltas as number[] | undefined) ?? []))
    }
  }
  const biggest = [...byProfile.values()].sort((a, b) => b.samples.length - a.samples.length)[0]
  if (!biggest) return []
  const out: Sample[] = []
  let ts = biggest.start
  for (let i = 0; i < biggest.samples.length; i++) {
    ts += biggest.deltas[i] ?? 0
    const stack: string[] = []
    for (let id: number | undefined = biggest.samples[i]; id !== undefined;) {
      const node = biggest.nodes.get(id)
      if (!node) break
      stack.push(node.name)
      id = node.parent
    }
    out.push({ ts, weight: biggest.deltas[i + 1] ?? 0, stack })
  }
  return out
}

const jsKinds: [string, RegExp][] = [
  [
    'md-parse',
    /^(fromMarkdown|parseMarkdown|parseIncremental|parseFor|growParagraph|parsePiece|settle|sameRendering|signature)$/,
  ],
  ['md-map', /^(piecesOf|tokenPieces|alignValue|tokenAt|tokenStarts|TokenSpans|sameGroup)$/],
  [
    'react-commit',
    /^commit(Root|RootImpl|MutationEffects|LayoutEffects|PassiveMountEffects|HostUpdate|HostMount)/,
  ],
  [
    'react-render',
    /^(performUnitOfWork|workLoopSync|workLoopConcurrent|workLoopConcurrentByScheduler|renderRootSync|renderRootConcurrent|beginWork|completeWork)$/,
  ],
  ['message', /^(onmessage|onMessage|decode|deserialize)$/],
]

function jsKindOf(stack: readonly string[]): string {
  const leaf = stack[0] ?? ''
  if (leaf === '(garbage collector)') return 'js:gc'
  if (leaf === '(program)' || leaf === '(idle)' || leaf === '(root)') return leaf
  for (const [kind, pattern] of jsKinds)
    if (stack.some((name) => pattern.test(name))) return `js:${kind}`
  return 'js:other'
}

const reactInternals =
  /^(performUnitOfWork|workLoop\w*|renderRoot\w*|beginWork|completeWork|renderWithHooks|update\w+Component|mount\w+|reconcile\w+|callComponentInDEV|\(anonymous\))$/

/** A render sample's three innermost frames below React's own work loop. */
function ownFrames(stack: readonly string[]): string {
  const own = stack.filter((name) => !reactInternals.test(name))
  return own.slice(0, 3).join(' < ') || '(React itself)'
}

function add(into: Map<string, number>, key: string, us: number) {
  into.set(key, (into.get(key) ?? 0) + us)
}

function table(title: string, totals: Map<string, number>, limit = 20): string {
  const rows = [...totals].sort((a, b) => b[1] - a[1]).slice(0, limit)
  const sum = [...totals.values()].reduce((a, b) => a + b, 0)
  return [
    `${title} (total ${(sum / 1000).toFixed(0)} ms)`,
    ...rows.map(([k, us]) => `  ${(us / 1000).toFixed(1).padStart(8)} ms  ${k}`),
  ].join('\n')
}

/** Breaks down the main thread's CPU between the marks `from` and `to`, and every task > 50 ms. */
export function breakdown(events: readonly TraceEvent[], from: string, to: string): string {
  const mark = (name: string) => events.find((e) => e.name === name)?.ts
  const start = mark(from) ?? 0
  const end = mark(to) ?? Infinity
  const { spans, tasks } = mainThreadSpans(events)
  const main = events.find((e) => e.ph === 'M' && e.args?.name === 'CrRendererMain')
  const samples = samplesOf(events, main?.pid ?? -1)
  const within = (ts: number, a: number, b: number) => ts >= a && ts < b
  const byKind = new Map<string, number>()
  const byName = new Map<string, number>()
  for (const s of spans)
    if (within(s.ts, start, end)) {
      add(byKind, kindOf(s.name), s.self)
      add(byName, s.name, s.self)
    }
  // Samples are spaced in wall time, and a preempted task collects samples while it waits: each
  // task's script CPU (from the trace) is shared out by its samples' stacks instead.
  const windowTasks = tasks.filter((t) => within(t.ts, start, end))
  const js = new Map<string, number>()
  const leaves = new Map<string, number>()
  const renders = new Map<string, number>()
  let sp = 0
  let sa = 0
  for (const task of windowTasks) {
    let script = 0
    while (sp < spans.length && (spans[sp]?.ts ?? 0) < task.ts) sp++
    for (let i = sp; i < spans.length && (spans[i]?.ts ?? 0) < task.end; i++) {
      const span = spans[i]
      if (span && kindOf(span.name) === 'script/other') script += span.self
    }
    while (sa < samples.length && (samples[sa]?.ts ?? 0) < task.ts) sa++
    const weights = new Map<string, number>()
    const stacks = new Map<string, number>()
    const renderStacks = new Map<string, number>()
    for (let i = sa; i < samples.length && (samples[i]?.ts ?? 0) < task.end; i++) {
      const sample = samples[i]
      if (!sample) continue
      const kind = jsKindOf(sample.stack)
      if (kind === '(idle)') continue
      add(weights, kind, sample.weight)
      if (kind === 'js:other') add(stacks, sample.stack.slice(0, 3).join(' < '), sample.weight)
      if (kind === 'js:react-render') add(renderStacks, ownFrames(sample.stack), sample.weight)
    }
    const total = [...weights.values()].reduce((a, b) => a + b, 0)
    if (total === 0) add(js, '(no samples)', script)
    for (const [kind, w] of weights) add(js, kind, (script * w) / total)
    for (const [stack, w] of stacks) add(leaves, stack, (script * w) / total)
    for (const [stack, w] of renderStacks) add(renders, stack, (script * w) / total)
  }
  const frames = spans.filter((s) => s.name === 'Commit' && within(s.ts, start, end)).length
  const long = tasks.filter((t) => t.end - t.ts > 50_000)
  const lines = [
    `window: ${((Math.min(end, Infinity) - start) / 1000).toFixed(0)} ms, ${frames} frames committed, ${windowTasks.length} tasks, longest ${(Math.max(0, ...windowTasks.map((t) => t.end - t.ts)) / 1000).toFixed(1)} ms, busy ${(windowTasks.reduce((a, t) => a + t.end - t.ts, 0) / 1000).toFixed(0)} ms wall, ${(windowTasks.reduce((a, t) => a + t.cpu, 0) / 1000).toFixed(0)} ms CPU; tasks over 10 ms CPU: ${windowTasks.filter((t) => t.cpu > 10_000).length}, longest CPU ${(Math.max(0, ...windowTasks.map((t) => t.cpu)) / 1000).toFixed(1)} ms`,
    table('by kind (trace events, self CPU time)', byKind),
    table('by event', byName, 14),
    table('script CPU by stack (samples)', js),
    table('js:other, top stacks', leaves, 10),
    table('js:react-render, the innermost functions outside React', renders, 10),
    `tasks over 50 ms in the whole trace: ${long.length}`,
  ]
  for (const task of long) {
    const kind = new Map<string, number>()
    for (const s of spans)
      if (s.ts >= task.ts && s.end <= task.end) add(kind, kindOf(s.name), s.self)
    for (const s of samples)
      if (within(s.ts, task.ts, task.end)) add(kind, jsKindOf(s.stack), s.weight)
    const at = ((task.ts - start) / 1000).toFixed(0)
    lines.push(
      `  ${((task.end - task.ts) / 1000).toFixed(1)} ms (CPU ${(task.cpu / 1000).toFixed(1)}) at ${at} ms from the mark: ` +
        [...kind]
          .sort((a, b) => b[1] - a[1])
          .map(([k, us]) => `${k} ${(us / 1000).toFixed(1)}`)
          .join(', '),
    )
    const stacks = new Map<string, number>()
    for (const s of samples)
      if (within(s.ts, task.ts, task.end) && jsKindOf(s.stack) !== '(idle)')
        add(stacks, ownFrames(s.stack) || s.stack.slice(0, 3).join(' < '), s.weight)
    for (const [stack, us] of [...stacks].sort((a, b) => b[1] - a[1]).slice(0, 6))
      lines.push(`      ${(us / 1000).toFixed(1)} ms  ${stack}`)
  }
  return lines.join('\n')
}
