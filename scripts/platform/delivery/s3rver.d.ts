// The part of s3rver (the local S3 emulator) the platform uses; the package ships no types.
declare module 's3rver' {
  import { EventEmitter } from 'node:events';

  interface S3rverOptions {
    address?: string;
    port?: number;
    silent?: boolean;
    directory?: string;
    /** Buckets created at start, each with XML configurations (CORSConfiguration, WebsiteConfiguration). */
    configureBuckets?: Array<{ name: string; configs?: string[] }>;
  }

  class S3rver extends EventEmitter {
    constructor(options: S3rverOptions);
    run(): Promise<{ address: string; port: number }>;
    close(): Promise<void>;
  }

  export = S3rver;
}
