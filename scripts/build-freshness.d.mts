export const ROOT: string;
export function buildState(outputs: string[], sources: string[]): 'missing' | 'stale' | 'fresh';
export const SERVER_SOURCES: string[];
