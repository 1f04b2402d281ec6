import { Worker, type WorkerOptions } from 'node:worker_threads';

/**
 * Starts a worker thread running a TypeScript module. Node 20 workers do not inherit tsx's loader
 * hooks, so a plain-JS shim (ts-worker.mjs) loads the module through tsx's API.
 */
export function startTypeScriptWorker(module: URL, options: WorkerOptions = {}): Worker {
  return new Worker(new URL('./ts-worker.mjs', import.meta.url), {
    ...options,
    workerData: { ...(options.workerData as object | undefined), hitcastModule: module.href },
  });
}

type Reply<Result> = { ok: true; result: Result } | { ok: false; error: string };

interface Job<Task, Result> {
  task: Task;
  transfer: ArrayBuffer[];
  resolve: (result: Result) => void;
  reject: (error: unknown) => void;
}

/**
 * A fixed set of worker threads running one TypeScript module, taking tasks in order and answering
 * with promises. The module listens on `parentPort` and replies `{ ok: true, result }` or
 * `{ ok: false, error }` once per task (see `serveTasks`). A task that fails is rejected and its
 * worker keeps serving; a worker that dies fails the pool, so no task waits forever.
 * Call `close()` when done: idle workers keep the process alive.
 */
export class WorkerPool<Task, Result> {
  private readonly workers: Worker[] = [];
  private readonly idle: Worker[] = [];
  private readonly queue: Job<Task, Result>[] = [];
  private readonly running = new Map<Worker, Job<Task, Result>>();
  private failure: Error | null = null;
  private closing = false;

  constructor(module: URL, size: number) {
    for (let i = 0; i < size; i++) {
      const worker = startTypeScriptWorker(module);
      worker.on('message', (reply: Reply<Result>) => {
        const job = this.running.get(worker);
        this.running.delete(worker);
        if (job) {
          if (reply.ok) job.resolve(reply.result);
          else job.reject(new Error(reply.error));
        }
        this.dispatch(worker);
      });
      worker.on('error', (error) => this.fail(error));
      worker.on('exit', (code) => {
        if (!this.closing) this.fail(new Error(`a worker thread of ${module.pathname} exited with code ${code}`));
      });
      this.workers.push(worker);
      this.idle.push(worker);
    }
  }

  get size(): number {
    return this.workers.length;
  }

  run(task: Task, transfer: ArrayBuffer[] = []): Promise<Result> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise<Result>((resolve, reject) => {
      this.queue.push({ task, transfer, resolve, reject });
      const worker = this.idle.pop();
      if (worker) this.dispatch(worker);
    });
  }

  private dispatch(worker: Worker): void {
    const job = this.queue.shift();
    if (!job) {
      this.idle.push(worker);
      return;
    }
    this.running.set(worker, job);
    worker.postMessage(job.task, job.transfer);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const job of [...this.running.values(), ...this.queue.splice(0)]) job.reject(this.failure);
    this.running.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** The worker side: answers each task posted to this thread with `handle`'s result (or its error). */
export async function serveTasks<Task, Result>(
  handle: (task: Task) => Result | Promise<Result>,
  transferOf: (result: Result) => ArrayBuffer[] = () => [],
): Promise<void> {
  const { parentPort } = await import('node:worker_threads');
  if (!parentPort) throw new Error('serveTasks must run inside a worker thread');
  parentPort.on('message', async (task: Task) => {
    try {
      const result = await handle(task);
      parentPort.postMessage({ ok: true, result }, transferOf(result));
    } catch (error) {
      parentPort.postMessage({ ok: false, error: (error as Error).message });
    }
  });
}
