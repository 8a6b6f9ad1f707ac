// Types for ports.cjs (a CommonJS module so that serverless.yml can read it with ${file(...)}).
export interface ServicePorts {
  http: number;
  lambda: number;
  websocket: number;
  alb: number;
}
export interface EmulatorPorts {
  gateway: number;
  dynamodb: number;
  sns: number;
  s3: number;
  cognito: number;
  mqtt: number;
  iotData: number;
  sqs: number;
  /** Vite's dev server for clients/web (npm run dev only). */
  web: number;
}
export declare const serviceSlots: Readonly<Record<string, number>>;
export declare function portOffset(env?: NodeJS.ProcessEnv): number;
export declare function servicePorts(name: string, offset?: number): ServicePorts;
export declare function emulatorPorts(offset?: number): EmulatorPorts;
