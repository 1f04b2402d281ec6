/** One line per string parameter that names an existing file or folder: `key path fingerprint`. */
export function dataFingerprints(params: Record<string, unknown>): string[];
