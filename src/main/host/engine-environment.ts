/**
 * glibc's allocator serves a freed large block's size from its heap from then on (its mmap
 * threshold rises with every large free, up to 32 MiB). Compare opens and frees a context of its
 * own for every batch, and those blocks then stay scattered across the heap (bench row 6.rss). A
 * fixed threshold gives blocks of 4 MiB and more back to the system when freed. It stays above a
 * sampler's candidate buffer (12 bytes a token: 1.8 MiB on a 152k vocabulary), made for every
 * token: a lower threshold would map and fault in fresh pages for it at every step (about 0.2 ms
 * a token there). Other platforms' allocators ignore the variable.
 */
const mmapThreshold = String(4 * 2 ** 20)

/**
 * One heap for every thread. The prebuilt llama.cpp starts new threads for each decode, and glibc
 * gives threads heaps of their own as they contend; freed blocks then sit in several heaps, each
 * holding on to its pages (row 6.rss: 20 Compare runs grew the engine 6–8 % with the default,
 * 3 % with one heap, 4–5 % with two). The decode threads do not allocate while they compute, so
 * sharing the heap's lock costs them nothing measurable.
 */
const arenaMax = '1'

/**
 * One libuv worker thread. node-llama-cpp decodes and samples on libuv's pool (four threads by
 * default), and llama.cpp built with OpenMP (the fast binary) keeps a team of worker threads for
 * each thread that calls it: four teams, whose idle workers spin for a while after each step and
 * take the cores the next step's team needs. With one pool thread every step runs on the same
 * team (bench row 2.peer on 2 cores: 0.76–0.81 of llama-server with four, 0.99–1.01 with one).
 * The engine runs one job at a time anyway (its lock). Only Compare's columns lose something:
 * they now sample one after another instead of side by side, which the steps' gain outweighs
 * (row 6.peer, with the columns in lockstep: engine/lockstep-columns.ts).
 */
const libuvThreads = '1'

/** The environment the engine process starts with: the host's, plus these settings. */
export function engineEnvironment(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  // A value the user set wins: it may be tuning the same thing.
  return {
    MALLOC_MMAP_THRESHOLD_: mmapThreshold,
    MALLOC_ARENA_MAX: arenaMax,
    UV_THREADPOOL_SIZE: libuvThreads,
    ...base,
  }
}
