export function packageBin(name: string): string
