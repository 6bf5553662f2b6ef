export function moduleDir(moduleUrl: string | URL): string
