import { randomBytes } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import path from 'node:path';
import { HitcastError } from '@hitcast/core/errors';
import { Journal, journalError } from './journal.ts';
import { MedianPruner } from './pruners.ts';
import { TpeSampler } from './samplers.ts';
import { contains, parseSearchSpace, searchSpaceToJson, type Param, type Params, type ParamValue, type SearchSpace } from './space.ts';
import { lastStep, type Direction, type FrozenTrial, type Pruner, type Sampler, type TrialState } from './types.ts';

/**
 * A study: trials of one search space against one objective, kept in a journal file that any
 * number of processes may share (see journal.ts and the README for the format and the locking).
 *
 *   const study = Study.open('artifacts/tuning/study.jsonl', { space, direction: 'minimize' });
 *   const trial = study.ask();
 *   … trial.params, trial.report(epoch, validationLoss), trial.shouldPrune() …
 *   study.tell(trial, bestValidationLoss);           // or 'pruned', or 'failed'
 */

export const JOURNAL_FORMAT = 'hitcast-tuning-journal';
export const JOURNAL_VERSION = 1;

export interface StudyOptions {
  /** Required to create a study; when opening one, it must equal the space the journal was created with. */
  space?: SearchSpace;
  /** Default 'minimize' (a validation loss); when opening, must match the journal's. */
  direction?: Direction;
  sampler?: Sampler;
  pruner?: Pruner;
  /** How often a running trial of this process writes a heartbeat record (default 30 s). */
  heartbeatSeconds?: number;
  /**
   * A running trial of another process whose latest record (creation, report or heartbeat) is older
   * than this is marked failed (default 300 s). It must exceed the longest stretch in which that
   * process's event loop cannot run its heartbeat timer.
   */
  staleAfterSeconds?: number;
  /** A journal lock file older than this is presumed abandoned (default 30 s; a lock is held for milliseconds). */
  lockStaleSeconds?: number;
  /** Where warnings go (default console.warn). */
  warn?: (message: string) => void;
}

interface TrialRecord {
  number: number;
  id: string;
  state: TrialState;
  params: Params;
  value: number | undefined;
  intermediateValues: Map<number, number>;
  startedAt: number;
  finishedAt: number | undefined;
  lastSeenAt: number;
  worker: { host: string; pid: number };
  failReason: string | undefined;
  frozen: FrozenTrial | undefined;
}

const HOST = hostname();

export class Study {
  readonly sampler: Sampler;
  readonly pruner: Pruner;
  readonly heartbeatSeconds: number;
  readonly staleAfterSeconds: number;
  private readonly journal: Journal;
  private readonly warn: (message: string) => void;
  private created = false;
  private studyDirection: Direction = 'minimize';
  private studySpace: SearchSpace | undefined;
  private readonly records: TrialRecord[] = [];
  private readonly byId = new Map<string, TrialRecord>();
  /** Trials this object asked for and has not told yet: it writes their heartbeats. */
  private readonly own = new Set<string>();
  private heartbeat: NodeJS.Timeout | undefined;
  private warnedNumbering = false;

  private constructor(journal: Journal, options: StudyOptions, warn: (message: string) => void) {
    this.journal = journal;
    this.warn = warn;
    this.sampler = options.sampler ?? new TpeSampler();
    this.pruner = options.pruner ?? new MedianPruner();
    this.heartbeatSeconds = options.heartbeatSeconds ?? 30;
    this.staleAfterSeconds = options.staleAfterSeconds ?? 300;
    if (!(this.heartbeatSeconds > 0 && this.staleAfterSeconds > this.heartbeatSeconds)) {
      throw new RangeError(`staleAfterSeconds (${this.staleAfterSeconds}) must exceed heartbeatSeconds (${this.heartbeatSeconds}) > 0`);
    }
  }

  /**
   * Opens the study kept in `file`, creating the file (and its folder) with the given space and
   * direction when it does not exist or is empty, and replaying it otherwise.
   */
  static open(file: string, options: StudyOptions = {}): Study {
    const warn = options.warn ?? ((message: string) => console.warn(`warning: ${message}`));
    mkdirSync(path.dirname(path.resolve(file)), { recursive: true });
    const journal = new Journal(file, { lockStaleSeconds: options.lockStaleSeconds ?? 30, warn });
    const study = new Study(journal, options, warn);
    study.refresh();
    if (!study.created) {
      if (!options.space) {
        throw new HitcastError(`the tuning journal ${file} holds no study yet, and no search space was given to create one`, {
          fix: 'pass the search space (e.g. from the tuning params file), or check the journal path',
        });
      }
      const space = options.space;
      journal.lock.withLock(() => {
        study.refresh();
        if (study.created) return; // another process created it first
        journal.appendLocked([
          {
            op: 'create_study',
            format: JOURNAL_FORMAT,
            version: JOURNAL_VERSION,
            time: new Date().toISOString(),
            direction: options.direction ?? 'minimize',
            space: searchSpaceToJson(space),
          },
        ]);
        study.refresh();
      });
    }
    study.checkMatches(options);
    return study;
  }

  get file(): string {
    return this.journal.file;
  }

  get direction(): Direction {
    return this.studyDirection;
  }

  get space(): SearchSpace {
    return this.studySpace as SearchSpace;
  }

  /** Every trial in number order, as of now (reads what other processes appended). */
  get trials(): FrozenTrial[] {
    this.refresh();
    return this.snapshot();
  }

  /** The complete trial with the best value (the earliest among equals), or undefined before the first. */
  get bestTrial(): FrozenTrial | undefined {
    this.refresh();
    let best: TrialRecord | undefined;
    for (const r of this.records) {
      if (r.state !== 'complete') continue;
      const v = r.value as number;
      if (!best || (this.direction === 'minimize' ? v < (best.value as number) : v > (best.value as number))) best = r;
    }
    return best && freeze(best);
  }

  /** Creates a trial with parameters from the sampler. Fails stale trials of dead processes first. */
  ask(): Trial {
    return this.journal.lock.withLock(() => {
      this.refresh();
      this.failStaleLocked();
      return this.createTrialLocked();
    });
  }

  /**
   * As ask(), but only while the study holds fewer than `nTrials` complete, pruned and running trials
   * together (decided under the journal lock, so parallel processes never overshoot); undefined otherwise.
   */
  tryAsk(nTrials: number): Trial | undefined {
    return this.journal.lock.withLock(() => {
      this.refresh();
      this.failStaleLocked();
      const taken = this.records.filter((r) => r.state !== 'failed').length;
      return taken < nTrials ? this.createTrialLocked() : undefined;
    });
  }

  /**
   * Finishes a running trial: a number completes it with that value (NaN fails it, as in Optuna),
   * 'pruned' prunes it (its value becomes its last intermediate value), 'failed' fails it. A trial
   * that another process has meanwhile marked failed (no heartbeat) stays failed, with a warning.
   */
  tell(trial: Trial | number, result: number | 'pruned' | 'failed', options: { reason?: string } = {}): FrozenTrial {
    this.refresh();
    const record = this.recordOf(trial);
    this.own.delete(record.id);
    this.stopHeartbeatIfIdle();
    if (record.state !== 'running') {
      this.warn(`trial ${record.number} of ${this.file} is already ${record.state}${record.failReason ? ` (${record.failReason})` : ''}; its result is not recorded`);
      return freeze(record);
    }
    let state: TrialState;
    let value: number | undefined;
    let reason = options.reason;
    if (typeof result === 'number') {
      if (Number.isNaN(result)) {
        state = 'failed';
        reason = reason ?? 'the objective returned NaN';
        this.warn(`trial ${record.number} failed: the objective returned NaN`);
      } else {
        state = 'complete';
        value = result;
      }
    } else if (result === 'pruned') {
      state = 'pruned';
      const step = lastStep(record);
      const last = step === undefined ? undefined : record.intermediateValues.get(step);
      value = last === undefined || Number.isNaN(last) ? undefined : last;
    } else if (result === 'failed') {
      state = 'failed';
    } else {
      throw new TypeError(`tell: result must be a number, 'pruned' or 'failed', got ${String(result)}`);
    }
    this.journal.append([
      { op: 'finish', trial: record.id, state, ...(value === undefined ? {} : { value: encodeNumber(value) }), ...(reason ? { reason } : {}), time: new Date().toISOString() },
    ]);
    this.refresh();
    return freeze(record);
  }

  /** Marks failed every running trial of another process whose latest record is older than staleAfterSeconds. */
  failStaleTrials(): FrozenTrial[] {
    return this.journal.lock.withLock(() => {
      this.refresh();
      return this.failStaleLocked();
    });
  }

  /** Reads what was appended to the journal since the last read. */
  refresh(): void {
    for (const { line, record } of this.journal.readNew()) this.apply(record, line);
  }

  /** Stops this object's heartbeat timer. Its running trials stay running (and go stale). */
  close(): void {
    this.own.clear();
    this.stopHeartbeatIfIdle();
  }

  // ---- used by Trial ----

  /** @internal */
  reportFor(trial: Trial, step: number, value: number): void {
    if (!Number.isInteger(step) || step < 0) throw new RangeError(`report: step must be an integer ≥ 0, got ${step}`);
    if (typeof value !== 'number') throw new TypeError(`report: value must be a number, got ${typeof value}`);
    this.refresh();
    const record = this.recordOf(trial);
    if (record.state !== 'running') {
      this.warn(`trial ${record.number} is already ${record.state}; its report for step ${step} is ignored`);
      return;
    }
    if (record.intermediateValues.has(step)) {
      this.warn(`trial ${record.number} already reported step ${step}; the value ${value} is ignored`);
      return;
    }
    this.journal.append([{ op: 'report', trial: record.id, step, value: encodeNumber(value), time: new Date().toISOString() }]);
    this.refresh();
  }

  /** @internal */
  shouldPruneTrial(trial: Trial): boolean {
    this.refresh();
    const record = this.recordOf(trial);
    if (record.state !== 'running') return true; // given up by the study (e.g. marked failed as stale): stop
    return this.pruner.prune({ direction: this.direction, trial: freeze(record), trials: this.snapshot() });
  }

  /** @internal */
  frozenOf(trial: Trial): FrozenTrial {
    this.refresh();
    return freeze(this.recordOf(trial));
  }

  // ---- internals ----

  private snapshot(): FrozenTrial[] {
    return this.records.map(freeze);
  }

  private recordOf(trial: Trial | number): TrialRecord {
    const record = typeof trial === 'number' ? this.records[trial] : this.byId.get(trial.id);
    if (!record) throw new RangeError(`no trial ${typeof trial === 'number' ? trial : trial.number} in ${this.file}`);
    return record;
  }

  private createTrialLocked(): Trial {
    const number = this.records.length;
    const params = this.sampler.sample({ space: this.space, direction: this.direction, trials: this.snapshot(), number });
    for (const p of this.space.params) {
      if (!(p.name in params) || !contains(p, params[p.name])) {
        throw new Error(`sampler ${this.sampler.name} gave ${JSON.stringify(params[p.name])} for parameter "${p.name}", outside its range`);
      }
    }
    const id = randomBytes(6).toString('hex');
    const time = new Date().toISOString();
    this.journal.appendLocked([
      { op: 'create_trial', trial: id, number, time, host: HOST, pid: process.pid },
      { op: 'set_params', trial: id, params },
    ]);
    this.refresh();
    const record = this.byId.get(id) as TrialRecord;
    this.own.add(id);
    this.startHeartbeat();
    return new Trial(this, record.number, id, Object.freeze({ ...record.params }));
  }

  private failStaleLocked(): FrozenTrial[] {
    const now = Date.now();
    const stale = this.records.filter((r) => r.state === 'running' && !this.own.has(r.id) && now - r.lastSeenAt > this.staleAfterSeconds * 1000);
    if (stale.length === 0) return [];
    const time = new Date(now).toISOString();
    this.journal.appendLocked(
      stale.map((r) => ({
        op: 'finish',
        trial: r.id,
        state: 'failed',
        reason: `no heartbeat for ${((now - r.lastSeenAt) / 1000).toFixed(1)} s (stale after ${this.staleAfterSeconds} s): its process ${r.worker.pid} on ${r.worker.host} has presumably stopped`,
        time,
      })),
    );
    this.refresh();
    for (const r of stale) this.warn(`trial ${r.number} of ${this.file} marked failed: ${r.failReason}`);
    return stale.map(freeze);
  }

  private startHeartbeat(): void {
    if (this.heartbeat || this.own.size === 0) return;
    this.heartbeat = setInterval(() => this.beat(), this.heartbeatSeconds * 1000);
    this.heartbeat.unref();
  }

  private stopHeartbeatIfIdle(): void {
    if (this.heartbeat && this.own.size === 0) {
      clearInterval(this.heartbeat);
      this.heartbeat = undefined;
    }
  }

  private beat(): void {
    if (this.own.size === 0) return;
    const time = new Date().toISOString();
    try {
      this.journal.append([...this.own].map((id) => ({ op: 'heartbeat', trial: id, time })));
    } catch (error) {
      this.warn(`could not write a heartbeat to ${this.file}: ${(error as Error).message}`);
    }
  }

  private checkMatches(options: StudyOptions): void {
    if (options.direction && options.direction !== this.direction) {
      throw new HitcastError(`the study in ${this.file} was created to ${this.direction}, not to ${options.direction}`, {
        fix: 'use the direction the study was created with, or a new journal file',
      });
    }
    if (!options.space) return;
    const mine = searchSpaceToJson(this.space);
    const given = searchSpaceToJson(options.space);
    const names = new Set([...Object.keys(mine), ...Object.keys(given)]);
    for (const name of names) {
      const a = JSON.stringify(mine[name] ?? null);
      const b = JSON.stringify(given[name] ?? null);
      if (a !== b) {
        throw new HitcastError(`the study in ${this.file} was created with another search space: parameter "${name}" is ${a === 'null' ? 'not in it' : a} there, ${b === 'null' ? 'absent' : b} now`, {
          fix: 'a changed search space needs a new journal file; or restore the space the study started with',
        });
      }
    }
  }

  private apply(record: Record<string, unknown>, line: number): void {
    const bad = (what: string) => journalError(this.file, line, what);
    const op = record.op;
    if (!this.created) {
      if (op !== 'create_study') throw bad(`expected the "create_study" record that starts every tuning journal, got ${JSON.stringify(op)}; is this a tuning journal?`);
      if (record.format !== JOURNAL_FORMAT) throw bad(`not a ${JOURNAL_FORMAT} (format ${JSON.stringify(record.format)})`);
      if (record.version !== JOURNAL_VERSION) throw bad(`journal version ${JSON.stringify(record.version)}; this hitcast reads version ${JOURNAL_VERSION}`);
      if (record.direction !== 'minimize' && record.direction !== 'maximize') throw bad(`direction must be "minimize" or "maximize", got ${JSON.stringify(record.direction)}`);
      this.studyDirection = record.direction;
      this.studySpace = parseSearchSpace(record.space, `tuning journal ${this.file}, line ${line}`);
      this.created = true;
      return;
    }
    if (op === 'create_study') throw bad('a second "create_study" record');
    if (op === 'create_trial') {
      const id = record.trial;
      if (typeof id !== 'string' || id === '') throw bad('"trial" must be a non-empty id');
      if (this.byId.has(id)) throw bad(`trial id ${id} is created twice`);
      const time = parseTime(record.time, bad);
      const number = this.records.length;
      if (record.number !== number && !this.warnedNumbering) {
        this.warnedNumbering = true;
        this.warn(`tuning journal ${this.file}, line ${line}: trial written as number ${String(record.number)} is number ${number} by its position; the position counts`);
      }
      const host = typeof record.host === 'string' ? record.host : '?';
      const pid = typeof record.pid === 'number' ? record.pid : -1;
      const trial: TrialRecord = {
        number,
        id,
        state: 'running',
        params: {},
        value: undefined,
        intermediateValues: new Map(),
        startedAt: time,
        finishedAt: undefined,
        lastSeenAt: time,
        worker: { host, pid },
        failReason: undefined,
        frozen: undefined,
      };
      this.records.push(trial);
      this.byId.set(id, trial);
      return;
    }
    const trial = this.byId.get(record.trial as string);
    if (!trial) throw bad(`refers to trial ${JSON.stringify(record.trial)}, which no earlier "create_trial" record created`);
    trial.frozen = undefined;
    switch (op) {
      case 'set_params': {
        const params = record.params;
        if (typeof params !== 'object' || params === null || Array.isArray(params)) throw bad('"params" must be an object');
        for (const [name, value] of Object.entries(params as Record<string, unknown>)) {
          const p = this.space.params.find((q) => q.name === name);
          if (!p) throw bad(`parameter "${name}" is not in the study's search space`);
          if (!contains(p, value as ParamValue)) throw bad(`parameter "${name}" = ${JSON.stringify(value)} is outside its declared range`);
          trial.params[name] = value as ParamValue;
        }
        return;
      }
      case 'report': {
        const step = record.step;
        if (typeof step !== 'number' || !Number.isInteger(step) || step < 0) throw bad(`"step" must be an integer ≥ 0, got ${JSON.stringify(step)}`);
        const value = decodeNumber(record.value, bad);
        const time = parseTime(record.time, bad);
        trial.lastSeenAt = Math.max(trial.lastSeenAt, time);
        if (trial.state === 'running' && !trial.intermediateValues.has(step)) trial.intermediateValues.set(step, value);
        return;
      }
      case 'heartbeat':
        trial.lastSeenAt = Math.max(trial.lastSeenAt, parseTime(record.time, bad));
        return;
      case 'finish': {
        const state = record.state;
        if (state !== 'complete' && state !== 'pruned' && state !== 'failed') throw bad(`"state" must be complete, pruned or failed, got ${JSON.stringify(state)}`);
        const time = parseTime(record.time, bad);
        if (state === 'complete' && record.value === undefined) throw bad('a complete trial needs a "value"');
        const value = record.value === undefined ? undefined : decodeNumber(record.value, bad);
        if (trial.state !== 'running') return; // the first finish counts (e.g. a late result after a stale trial was failed)
        trial.state = state;
        trial.value = value;
        trial.finishedAt = time;
        trial.failReason = state !== 'failed' ? undefined : typeof record.reason === 'string' ? record.reason : 'failed';
        return;
      }
      default:
        throw bad(`unknown record "op": ${JSON.stringify(op)}`);
    }
  }
}

/** A running trial handed out by Study.ask: its parameters, and the calls an objective makes. */
export class Trial {
  /** @internal */
  constructor(
    private readonly study: Study,
    readonly number: number,
    readonly id: string,
    readonly params: Readonly<Params>,
  ) {}

  suggestFloat(name: string): number {
    return this.suggest(name, 'float') as number;
  }

  suggestInt(name: string): number {
    return this.suggest(name, 'int') as number;
  }

  suggestCategorical<T extends ParamValue = ParamValue>(name: string): T {
    return this.suggest(name, 'categorical') as T;
  }

  /** Records the intermediate value (e.g. the validation loss) after `step` (e.g. the epoch, from 0). */
  report(step: number, value: number): void {
    this.study.reportFor(this, step, value);
  }

  /** Whether the pruner would stop this trial now; true as well when the study has given the trial up. */
  shouldPrune(): boolean {
    return this.study.shouldPruneTrial(this);
  }

  get state(): TrialState {
    return this.study.frozenOf(this).state;
  }

  /** The trial as the journal has it now. */
  get frozen(): FrozenTrial {
    return this.study.frozenOf(this);
  }

  private suggest(name: string, type: Param['type']): ParamValue {
    const p = this.study.space.params.find((q) => q.name === name);
    if (!p) {
      throw new HitcastError(`parameter "${name}" is not in the search space of ${this.study.file}`, {
        fix: `declare it in the search space; it declares ${this.study.space.params.map((q) => q.name).join(', ')}`,
      });
    }
    if (p.type !== type) {
      throw new HitcastError(`parameter "${name}" is declared as ${p.type} in the search space of ${this.study.file}, but read as ${type}`, {
        fix: `declare it as "type": "${type}", or read it with suggest${p.type === 'categorical' ? 'Categorical' : p.type === 'int' ? 'Int' : 'Float'}`,
      });
    }
    return this.params[name];
  }
}

function freeze(record: TrialRecord): FrozenTrial {
  if (!record.frozen) {
    record.frozen = Object.freeze({
      number: record.number,
      id: record.id,
      state: record.state,
      params: Object.freeze({ ...record.params }),
      value: record.value,
      intermediateValues: new Map(record.intermediateValues) as ReadonlyMap<number, number>,
      startedAt: record.startedAt,
      finishedAt: record.finishedAt,
      lastSeenAt: record.lastSeenAt,
      worker: Object.freeze({ ...record.worker }),
      failReason: record.failReason,
    });
  }
  return record.frozen;
}

/** JSON has no NaN or infinities: they are written as the strings "NaN", "Infinity", "-Infinity". */
export function encodeNumber(value: number): number | string {
  return Number.isFinite(value) ? value : String(value);
}

function decodeNumber(value: unknown, bad: (what: string) => Error): number {
  if (typeof value === 'number') return value;
  if (value === 'NaN') return NaN;
  if (value === 'Infinity') return Infinity;
  if (value === '-Infinity') return -Infinity;
  throw bad(`expected a number, got ${JSON.stringify(value)}`);
}

function parseTime(value: unknown, bad: (what: string) => Error): number {
  const t = typeof value === 'string' ? Date.parse(value) : NaN;
  if (Number.isNaN(t)) throw bad(`"time" must be an ISO date, got ${JSON.stringify(value)}`);
  return t;
}
