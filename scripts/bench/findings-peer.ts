/**
 * What the rows against llama-server say (`--peer`), for docs/benchmarks.md. The per-token split
 * of the engine's main thread was read with step-profile.ts (`--greedy --threads 1`, demo model).
 */
import type { BenchRow } from './stats'

const msPerToken = (row: BenchRow | undefined, side: 'ours' | 'baseline') => {
  const rate = row?.[side]
  return rate && Number.isFinite(rate) ? 1000 / rate : NaN
}
const ms = (value: number) => (Number.isFinite(value) ? `${value.toFixed(2)} ms` : '? ms')
const ratio = (row: BenchRow | undefined) => (row?.ratio ?? NaN).toFixed(2)

export function peerNotes(rows: (id: string) => BenchRow | undefined): string[] {
  const rate = rows('2.peer')
  if (!rate) return []
  const fast = rate.measure.endsWith('[fast]')
  const notes = [
    `**Against llama-server (2.peer, ratio ${ratio(rate)}, ${fast ? 'fast' : 'prebuilt'} binary).** Both`,
    'sides run the same llama.cpp release (llama-server built by `npm run peer:build` from the',
    'source node-llama-cpp ships) on the same model, threads and context, asked for 20',
    "alternatives a token: Tokenscope's through the engine process, the host and a WebSocket,",
    "llama-server's as server-sent events.",
    ...(fast
      ? [
          'With the fast binary a step costs what the model costs. The addon returns the head of',
          'the distribution only (patch 0002), and the engine process runs one libuv pool thread:',
          'node-llama-cpp decodes on that pool, and llama.cpp built with OpenMP keeps a team of',
          'workers for each thread that calls it, so four pool threads meant four teams spinning',
          'against each other on two cores (0.76–0.81 of llama-server with four, 0.99–1.01 with',
          'one, measured when the change was made). A step is serial: the decode, then the',
          "head, then our sampling and the token's description in JavaScript, then the next",
          'decode; with both cores decoding, anything run beside the decode delays it as much.',
          'Since patch 0007 a greedy step reads its head straight from the logits, with no',
          'candidate array of the 152k vocabulary: `sampleToken` 0.92 → 0.45 ms a token, and the',
          'serial time outside the decode about 1.4 → 0.8 ms (0.96 → 1.01 of llama-server then).',
        ]
      : [
          'With the prebuilt binary the addon bounds it: every step sorts all candidates and',
          'copies every probability into JavaScript (row 1.d2 where measured), and each decode',
          'starts and joins a thread of its own (no OpenMP, no thread pool in that build).',
          '`npm run build:engine` removes both; its rows are in the fast run.',
        ]),
    '',
  ]
  const ttft = rows('2.peer.ttft')
  if (ttft)
    notes.push(
      `**Time to first token (2.peer.ttft, ratio ${ratio(ttft)}).** Each run starts a prompt with a`,
      "number of its own, so neither llama-server's prompt cache nor the engine's reuse of the",
      'previous context holds any of it: both evaluate the whole prompt in batches. ' +
        (fast
          ? 'The fast binary has the same kernels as llama-server (native CPU flags).'
          : "The prebuilt binary's CPU variant is slower at prompt processing than a native build."),
      '',
    )
  const columns = rows('6.peer')
  if (columns)
    notes.push(
      `**Four columns (6.peer, ratio ${ratio(columns)}).** Compare's columns are four sequences of`,
      'one context, like the four slots of `llama-server -np 4`. node-llama-cpp decodes whatever',
      'is queued when a batch ends; the columns sample one after another, so the last one never',
      'made the next batch and four columns decoded in batches of three, a third more decodes than',
      'steps. The engine now waits, after each batch, until every running column has queued its',
      'token (lockstep-columns.ts, 20 ms at most): batches of four, and 0.67 → 1.02 of',
      'llama-server when the change was made.' +
        (fast
          ? ''
          : ' With the prebuilt binary every column also sorts and copies its whole distribution, four times a step.'),
      '',
    )
  notes.push(...demoNotes(rows, fast))
  return notes
}

function demoNotes(rows: (id: string) => BenchRow | undefined, fast: boolean): string[] {
  const demo = rows('2.peer.demo')
  if (!demo) return []
  const server = msPerToken(demo, 'baseline')
  const stack = msPerToken(demo, 'ours')
  const alone = rows('2.peer.demo.alone')
  const floor = rows('2.peer.demo.floor')
  const engineMs = msPerToken(alone, 'ours')
  const floorMs = msPerToken(floor, 'ours')
  return [
    `**The demo model (2.peer.demo, ratio ${ratio(demo)}, target 0.80).** A token of this 3 MiB model`,
    `takes llama-server ${ms(server)}, so what happens around the model decides. Per token, where`,
    'the three rows below were each measured against llama-server in the same run:',
    `- the addon alone, with no JavaScript loop (row .floor): ${ms(floorMs)}, ratio ${ratio(floor)}.`,
    "  Every token is a decode and a sampling, each handed to libuv's pool and back: two thread",
    '  hops, where llama-server does both on one thread. No loop in JavaScript can beat that.',
    ...(fast
      ? []
      : [
          "  With the prebuilt binary the floor also holds the addon's full read: every candidate",
          '  sorted and each of the 2,048 probabilities handed over as a JavaScript number.',
        ]),
    `- the engine process alone (row .alone): ${ms(engineMs)}, ratio ${ratio(alone)}.`,
    ...(fast
      ? [
          "  With the fast binary, after the prompt's step the addon runs the loop itself (patch",
          '  0006, native-steps.ts): it decodes a token, reads the head, samples with our chain and',
          '  seeded draw in C++ (the arithmetic of src/shared/sampling.ts) and feeds the token, on a',
          '  thread of its own. The main thread describes each token (step reader, token objects,',
          '  events: about 0.05 ms by a CPU profile) while the next one decodes, so the two thread',
          '  hops of the floor are gone and JavaScript is no longer serial with the model. The loop',
          '  runs only where the model leaves the main thread a core (GPU layers, or fewer threads',
          '  than cores): on this 2-core machine the 152k model with 2 threads made 0.86–0.88 of',
          '  llama-server natively against 0.90–0.97 step by step, so 2.peer keeps the step loop.',
        ]
      : [
          '  The difference is JavaScript on the main thread, serial with the decode: about 0.17 ms',
          "  a token by a CPU profile. node-llama-cpp's evaluation loop (batch dispatch, locks,",
          '  dispose guards) takes about 0.06 ms, turning the distribution into JavaScript numbers',
          '  about 0.05 ms, and our step reader, token objects and events about 0.05 ms. The fast',
          "  binary's native loop (patch 0006) takes all of it off the path between two decodes.",
        ]),
    `- the host and the WebSocket: ${ms(stack - engineMs)} more (the whole stack: ${ms(stack)}).`,
    '',
  ]
}
