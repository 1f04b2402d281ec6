/**
 * Loads tfjs and the wasm backend package with Node's source maps off. tsx turns source maps on, which
 * makes Node read and parse tfjs's own maps (megabytes; about 0.1 s of a 1 s prediction) as it loads
 * them; hitcast's modules, loaded after, keep theirs.
 */
export async function loadTfjs(): Promise<void> {
  const sourceMaps = process.sourceMapsEnabled;
  process.setSourceMapsEnabled(false);
  try {
    await import('@tensorflow/tfjs');
    await import('@tensorflow/tfjs-backend-wasm');
  } finally {
    process.setSourceMapsEnabled(sourceMaps);
  }
}
