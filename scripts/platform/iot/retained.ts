// The broker's retained messages as the data plane reports them (GetRetainedMessage's lastModifiedTime, which
// the broker does not keep), and, with a data directory, kept on disk so that a restart of `npm run dev` still
// hands a device its retained desired state, as AWS IoT keeps retained messages across anything.
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';

export interface RetainedMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
  /** Epoch milliseconds of the publish that set it. */
  lastModifiedTime: number;
}

interface StoredMessage {
  topic: string;
  payload: string;
  qos: 0 | 1;
  lastModifiedTime: number;
}

export class RetainedMessages {
  private readonly messages = new Map<string, RetainedMessage>();
  private saveTimer: NodeJS.Timeout | null = null;

  /** file: where they survive restarts; null keeps them in memory only (tests). */
  constructor(private readonly file: string | null) {
    if (!file || !existsSync(file)) return;
    try {
      const stored = JSON.parse(readFileSync(file, 'utf8')) as StoredMessage[];
      for (const entry of stored) this.messages.set(entry.topic, { ...entry, payload: Buffer.from(entry.payload, 'base64') });
    } catch {
      // An unreadable file holds nothing worth failing the platform for: start empty.
    }
  }

  /** A retained publish: an empty payload clears the topic (MQTT 3.3.1.3). */
  record(topic: string, payload: Buffer, qos: number, at: number): void {
    if (payload.length === 0) this.messages.delete(topic);
    else this.messages.set(topic, { topic, payload: Buffer.from(payload), qos: qos >= 1 ? 1 : 0, lastModifiedTime: at });
    this.scheduleSave();
  }

  get(topic: string): RetainedMessage | null {
    return this.messages.get(topic) ?? null;
  }

  list(): RetainedMessage[] {
    return [...this.messages.values()].sort((a, b) => a.topic.localeCompare(b.topic));
  }

  private scheduleSave(): void {
    if (!this.file || this.saveTimer) return;
    this.saveTimer = setTimeout(() => this.flush(), 200);
    this.saveTimer.unref();
  }

  flush(): void {
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.saveTimer = null;
    if (!this.file) return;
    mkdirSync(path.dirname(this.file), { recursive: true });
    const stored: StoredMessage[] = this.list().map((m) => ({ ...m, payload: m.payload.toString('base64') }));
    writeFileSync(`${this.file}.tmp`, JSON.stringify(stored));
    renameSync(`${this.file}.tmp`, this.file);
  }
}
