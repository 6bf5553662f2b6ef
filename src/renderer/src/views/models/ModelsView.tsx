import { useEffect } from 'react'
import { DownloadsPanel } from './DownloadsPanel'
import { FolderPanel } from './FolderPanel'
import { HardwarePanel } from './HardwarePanel'
import { LoadPanel } from './LoadPanel'
import { ModelCardPanel } from './ModelCardPanel'
import { ModelDropZone } from './ModelDropZone'
import { OpenModelPanel } from './OpenModelPanel'
import { RemotePanel } from './RemotePanel'
import { ServerPanel } from './ServerPanel'
import { startModelsView } from './models-actions'

const column = 'flex min-w-0 flex-col gap-4'

/**
 * Models and hardware (a .gguf dropped anywhere on the tab opens its card): where models come from (left), what is inside the chosen one (middle),
 * whether it fits and loading it (right; under the card on narrower windows).
 */
export function ModelsView() {
  useEffect(() => startModelsView(), [])
  return (
    <ModelDropZone>
      <main
        id="models"
        data-testid="models-view"
        className="@container min-h-0 flex-1 overflow-y-auto"
      >
        <div className="mx-auto grid max-w-[1500px] items-start gap-4 p-4 @3xl:grid-cols-[minmax(260px,320px)_minmax(0,1fr)] @3xl:grid-rows-[auto_1fr] @7xl:grid-cols-[minmax(300px,350px)_minmax(0,1fr)_minmax(300px,340px)]">
          <div className={`${column} @3xl:row-span-2`}>
            <OpenModelPanel />
            <FolderPanel />
            <DownloadsPanel />
            <ServerPanel />
            <RemotePanel />
          </div>
          {/* Beside a long first column, the card and Load stay in view while it scrolls; only
              where Load and Hardware sit side by side, short enough to fit the window. */}
          <div className={`${column} @7xl:sticky @7xl:top-4`}>
            <ModelCardPanel />
          </div>
          <div className="@container min-w-0 @5xl:sticky @5xl:top-4 @3xl:col-start-2 @7xl:col-start-3 @7xl:row-start-1">
            <div className="grid items-start gap-4 @min-[600px]:grid-cols-2">
              <LoadPanel />
              <HardwarePanel />
            </div>
          </div>
        </div>
      </main>
    </ModelDropZone>
  )
}
