import type { MenuItemConstructorOptions } from 'electron'

/** Placeholder until the project has its own site. */
export const readmeUrl = 'https://github.com/tokenscope/tokenscope#readme'

/**
 * The application menu: standard roles, so the platform supplies labels and accelerators
 * (Cmd/Ctrl+C, +, F11 or Ctrl+Cmd+F…), and copy/paste work in every text field.
 */
export function applicationMenu(options: {
  platform: NodeJS.Platform
  developer: boolean
  openExternal: (url: string) => void
}): MenuItemConstructorOptions[] {
  const mac = options.platform === 'darwin'
  const menus: MenuItemConstructorOptions[] = [
    { role: 'fileMenu' },
    {
      label: 'Edit',
      submenu: [
        { role: 'undo' },
        { role: 'redo' },
        { type: 'separator' },
        { role: 'cut' },
        { role: 'copy' },
        { role: 'paste' },
        { role: 'selectAll' },
      ],
    },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(options.developer ? [{ role: 'toggleDevTools' } as const] : []),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [{ label: 'Tokenscope README', click: () => options.openExternal(readmeUrl) }],
    },
  ]
  return mac ? [{ role: 'appMenu' }, ...menus] : menus
}
