import { mkdtempSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { createApiControl } from '../../src/main/api/api-control'
import type { AppService } from '../../src/shared/contract'
import type { EngineStatus } from '../../src/shared/engine-status'

describe('the API control', () => {
  it('stops following the engine status when it is closed', async () => {
    const observers = new Set<(status: EngineStatus) => void>()
    const control = createApiControl({
      dataDirectory: mkdtempSync(join(tmpdir(), 'api-control-')),
      service: () => ({}) as AppService,
      observe: () => () => undefined,
      observeStatus: (observer) => {
        observers.add(observer)
        return () => observers.delete(observer)
      },
      log: () => undefined,
    })
    expect(observers.size).toBe(1)
    await control.close()
    expect(observers.size).toBe(0)
  })
})
