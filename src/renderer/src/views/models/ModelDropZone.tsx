import { useRef, useState, type DragEvent, type ReactNode } from 'react'
import { desktopHelpers, openDroppedFiles } from './models-actions'
import { dragHasFiles } from './model-drop'

export interface ModelDropZoneProps {
  children: ReactNode
}

/**
 * The whole Models tab takes a dropped .gguf file; while a file is dragged over it, an overlay
 * says what a drop will do. Drags of text or links are left to the page.
 */
export function ModelDropZone({ children }: ModelDropZoneProps) {
  const [dragging, setDragging] = useState(false)
  // dragenter/dragleave fire for every child crossed; the overlay goes when the count is back to 0.
  const depth = useRef(0)
  const desktop = desktopHelpers() !== null
  const carriesFiles = (event: DragEvent) => dragHasFiles(event.dataTransfer.types)
  const reset = () => {
    depth.current = 0
    setDragging(false)
  }
  return (
    <div
      data-testid="model-drop-zone"
      className="relative flex min-h-0 min-w-0 flex-1 flex-col"
      onDragEnter={(event) => {
        if (!carriesFiles(event)) return
        event.preventDefault()
        depth.current += 1
        setDragging(true)
      }}
      onDragOver={(event) => {
        if (!carriesFiles(event)) return
        // Without this the browser would open the file itself, leaving the app.
        event.preventDefault()
        event.dataTransfer.dropEffect = 'copy'
      }}
      onDragLeave={() => {
        if (depth.current === 0) return
        depth.current -= 1
        if (depth.current === 0) setDragging(false)
      }}
      onDrop={(event) => {
        if (!carriesFiles(event)) return
        event.preventDefault()
        reset()
        openDroppedFiles(Array.from(event.dataTransfer.files))
      }}
    >
      {children}
      {dragging && <DropOverlay desktop={desktop} />}
    </div>
  )
}

function DropOverlay({ desktop }: { desktop: boolean }) {
  return (
    <div
      data-testid="model-drop-overlay"
      aria-hidden="true"
      className="pointer-events-none absolute inset-2 z-20 flex items-center justify-center rounded-2xl border-2 border-dashed border-violet-500 bg-violet-50/85 p-6 backdrop-blur-[2px] dark:border-violet-400 dark:bg-slate-950/85"
    >
      <div className="flex max-w-md flex-col items-center gap-2 text-center">
        <svg
          viewBox="0 0 24 24"
          width="40"
          height="40"
          fill="none"
          stroke="currentColor"
          strokeWidth={1.6}
          strokeLinecap="round"
          strokeLinejoin="round"
          className="text-violet-600 dark:text-violet-300"
        >
          <path d="M12 3v12M7 10l5 5 5-5" />
          <path d="M4 15v3a2 2 0 0 0 2 2h12a2 2 0 0 0 2-2v-3" />
        </svg>
        <p className="text-lg font-semibold text-violet-900 dark:text-violet-100">
          Drop a .gguf file to open it
        </p>
        <p className="text-sm leading-snug text-violet-900/80 dark:text-violet-200/80">
          {desktop
            ? 'Its card opens here. Only the header is read; nothing loads until you press Load.'
            : 'In the browser, Tokenscope cannot see where a dropped file is stored, so you will be asked to paste its path. The desktop app opens dropped files directly.'}
        </p>
      </div>
    </div>
  )
}
