/**
 * tfjs's WebGPU backend in Node on Dawn: `navigator.gpu` set to the adapter webgpu-adapter.ts found
 * before `@tensorflow/tfjs-backend-webgpu` is imported (it registers itself only when `navigator.gpu`
 * exists, and asks it for an adapter when tfjs initialises it), then hitcast's registrations for
 * backend 'webgpu' (webgpu-training.ts).
 */
import * as tf from '@tensorflow/tfjs';
import type { FoundAdapter } from './webgpu-adapter.ts';
import { installWebgpuTraining } from './webgpu-training.ts';

export const WEBGPU_BACKEND_PACKAGE = '@tensorflow/tfjs-backend-webgpu';

/** The adapter the webgpu backend runs on, once started (for notes and benches). */
export let webgpuAdapter: FoundAdapter | undefined;

/**
 * Points `navigator.gpu` at `found` (its requestAdapter answers with that adapter, whatever tfjs asks for:
 * tfjs cannot ask for OpenGL ES's "compatibility" feature level) and imports the backend package.
 * Returns null when the backend is registered, else why not.
 */
export async function registerWebgpu(found: FoundAdapter, importer: (specifier: string) => Promise<unknown>): Promise<string | null> {
  if (webgpuAdapter && webgpuAdapter !== found) {
    // tfjs keeps its first backend instance; a second adapter in one process would be ignored.
    if (tf.findBackend('webgpu')) return null;
  }
  const gpu = {
    requestAdapter: async () => found.adapter,
    getPreferredCanvasFormat: () => found.gpu.getPreferredCanvasFormat?.() ?? 'bgra8unorm',
    get wgslLanguageFeatures() {
      return found.gpu.wgslLanguageFeatures;
    },
  };
  const g = globalThis as { navigator?: Record<string, unknown> };
  if (g.navigator) Object.defineProperty(g.navigator, 'gpu', { value: gpu, configurable: true, writable: true });
  else Object.defineProperty(globalThis, 'navigator', { value: { gpu }, configurable: true, writable: true });
  try {
    await importer(WEBGPU_BACKEND_PACKAGE);
  } catch (error) {
    return `failed to load: ${error instanceof Error ? error.message.split('\n')[0] : String(error)}`;
  }
  if (!tf.findBackendFactory('webgpu')) {
    return `${WEBGPU_BACKEND_PACKAGE} registered no backend (it was imported before navigator.gpu was set)`;
  }
  webgpuAdapter = found;
  installWebgpuTraining();
  return null;
}
