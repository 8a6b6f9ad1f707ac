// The local dead-letter store: what a consumer could not process after its retries, one JSON file per letter
// in the platform's data directory, so `npm run redrive` (another process) can list, replay and mark them.
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import { open, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import path from 'node:path';

/** Who delivered the event: the delivery layer (streams, SNS, S3, SQS, schedules) or the IoT twin's rules engine (topic rules). */
export type DeliverySource = 'stream' | 'sns' | 's3' | 'sqs' | 'iot' | 'schedule';

/** Why the platform gave up, in the words of AWS's failure records. */
export type FailureCondition = 'RetriesExhausted' | 'RecordAgeExceeded' | 'EventAgeExceeded';

export interface FailureDetail {
  type: string;
  message: string;
}

export interface DeadLetter {
  /** Stable: the same failed event of the same consumer always has the same id. */
  id: string;
  source: DeliverySource;
  /** `<service>.<function>`. */
  consumer: string;
  /** The function as the local Lambda API names it. */
  functionName: string;
  condition: FailureCondition;
  /** The Lambda event exactly as the function was given it: what a redrive sends again. */
  event: unknown;
  /** One line for people: which records, message or object. */
  summary: string;
  error: FailureDetail;
  /** Invocations that failed before the letter was written. */
  attempts: number;
  firstFailureAt: string;
  lastFailureAt: string;
  status: 'pending' | 'redriven';
  redrivenAt?: string;
  redrives: Array<{ at: string; ok: boolean; error?: FailureDetail }>;
}

export type NewDeadLetter = Omit<DeadLetter, 'id' | 'status' | 'redrives' | 'firstFailureAt' | 'lastFailureAt' | 'redrivenAt'> & { identity: string; failedAt: string };

export function deadLetterId(source: DeliverySource, consumer: string, identity: string): string {
  return `${source}-${createHash('sha256').update(`${consumer}\n${identity}`).digest('hex').slice(0, 16)}`;
}

export class DeadLetterStore {
  constructor(readonly dir: string) {
    mkdirSync(dir, { recursive: true });
  }

  private file(id: string): string {
    if (!/^[a-z0-9-]+$/.test(id)) throw new Error(`Not a dead-letter id: ${id}`);
    return path.join(this.dir, `${id}.json`);
  }

  private async write(letter: DeadLetter): Promise<void> {
    // Written aside and renamed, so a reader never sees half a letter.
    const temporary = `${this.file(letter.id)}.${process.pid}.tmp`;
    await writeFile(temporary, `${JSON.stringify(letter, null, 2)}\n`);
    await rename(temporary, this.file(letter.id));
  }

  async get(id: string): Promise<DeadLetter | undefined> {
    try {
      return JSON.parse(await readFile(this.file(id), 'utf8')) as DeadLetter;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    }
  }

  /** Records a failure; the same event failing again (a later delivery of it) reopens and updates its letter. */
  async put(failure: NewDeadLetter): Promise<DeadLetter> {
    const { identity, failedAt, ...fields } = failure;
    const id = deadLetterId(failure.source, failure.consumer, identity);
    const existing = await this.get(id);
    const letter: DeadLetter = {
      ...fields,
      id,
      attempts: (existing?.attempts ?? 0) + failure.attempts,
      firstFailureAt: existing?.firstFailureAt ?? failedAt,
      lastFailureAt: failedAt,
      status: 'pending',
      redrives: existing?.redrives ?? [],
    };
    await this.write(letter);
    return letter;
  }

  /** Oldest failure first. */
  async list(): Promise<DeadLetter[]> {
    const names = (await readdir(this.dir)).filter((name) => name.endsWith('.json'));
    const letters = await Promise.all(names.map((name) => this.get(name.slice(0, -'.json'.length))));
    return letters.filter((letter): letter is DeadLetter => letter !== undefined).sort((a, b) => a.firstFailureAt.localeCompare(b.firstFailureAt) || a.id.localeCompare(b.id));
  }

  async update(id: string, change: (letter: DeadLetter) => DeadLetter): Promise<DeadLetter> {
    const letter = await this.get(id);
    if (!letter) throw new Error(`No dead letter ${id}`);
    const next = change(letter);
    await this.write(next);
    return next;
  }

  /** Runs `fn` while holding the letter's lock; undefined when another process holds it (a redrive under way). */
  async withLock<T>(id: string, fn: () => Promise<T>): Promise<T | undefined> {
    const lock = `${this.file(id)}.lock`;
    let handle;
    try {
      handle = await open(lock, 'wx');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'EEXIST') return undefined;
      throw err;
    }
    try {
      await handle.writeFile(String(process.pid));
      return await fn();
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }
}
