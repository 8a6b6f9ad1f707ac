// The deployed stages' push transport: SNS mobile push, one platform endpoint per device token, kept usable as
// AWS recommends (create; if SNS deleted it, create again; if it is disabled or holds another token, update it),
// and pushes published to the endpoint with a payload per platform. An endpoint SNS reports disabled or unknown
// means the app was uninstalled or the token expired: the device is reported `gone` so it gets removed.
import {
  CreatePlatformEndpointCommand,
  DeleteEndpointCommand,
  GetEndpointAttributesCommand,
  PublishCommand,
  SetEndpointAttributesCommand,
} from '@aws-sdk/client-sns';
import { snsClient } from '@photonotes/shared/sns';
import type { Platform } from '../domain/device';
import type { PushGateway, PushMessage } from '../domain/ports';

type SnsCommand = CreatePlatformEndpointCommand | DeleteEndpointCommand | GetEndpointAttributesCommand | PublishCommand | SetEndpointAttributesCommand;

/** The part of SNSClient the adapter uses; a fake only needs `send`. */
export interface SnsMobileSender {
  send(command: SnsCommand): Promise<unknown>;
}

export interface SnsPushOptions {
  /** Platform application ARN per platform (APNS or APNS_SANDBOX for ios, GCM for android). */
  applications: Record<Platform, string>;
  client?: SnsMobileSender;
}

function errorCode(err: unknown): string | undefined {
  if (!(err instanceof Error)) return undefined;
  return (err as { Code?: string }).Code ?? err.name;
}

const goneCodes = new Set(['EndpointDisabled', 'EndpointDisabledException', 'NotFound', 'NotFoundException']);
const notFoundCodes = new Set(['NotFound', 'NotFoundException']);
// SNS refuses to create a second endpoint for a token whose endpoint has other attributes, and names it.
const existingEndpoint = /Endpoint (arn:[^\s]+) already exists with the same [Tt]oken/;

/** APNs and FCM payloads; custom keys travel next to `aps` (APNs) and in `data` (FCM, strings only). */
export function platformPayloads(message: PushMessage): string {
  const apns = JSON.stringify({ aps: { alert: { title: message.title, body: message.body }, sound: 'default' }, ...message.data });
  const gcm = JSON.stringify({ fcmV1Message: { message: { notification: { title: message.title, body: message.body }, data: Object.fromEntries(Object.entries(message.data).map(([key, value]) => [key, String(value)])) } } });
  return JSON.stringify({ default: message.body, APNS: apns, APNS_SANDBOX: apns, GCM: gcm });
}

export function snsPush({ applications, client }: SnsPushOptions): PushGateway {
  const sns = (): SnsMobileSender => client ?? snsClient();

  async function createEndpoint(platform: Platform, token: string): Promise<string> {
    try {
      const out = (await sns().send(new CreatePlatformEndpointCommand({ PlatformApplicationArn: applications[platform], Token: token }))) as { EndpointArn?: string };
      if (!out.EndpointArn) throw new Error('CreatePlatformEndpoint returned no EndpointArn');
      return out.EndpointArn;
    } catch (err) {
      const arn = err instanceof Error ? existingEndpoint.exec(err.message)?.[1] : undefined;
      if (arn) return arn;
      throw err;
    }
  }

  return {
    async registerEndpoint({ platform, token }, current) {
      const arn = current ?? (await createEndpoint(platform, token));
      let attributes: Record<string, string>;
      try {
        const out = (await sns().send(new GetEndpointAttributesCommand({ EndpointArn: arn }))) as { Attributes?: Record<string, string> };
        attributes = out.Attributes ?? {};
      } catch (err) {
        if (!notFoundCodes.has(errorCode(err) ?? '')) throw err;
        return createEndpoint(platform, token);
      }
      if (attributes.Token !== token || String(attributes.Enabled).toLowerCase() !== 'true') {
        await sns().send(new SetEndpointAttributesCommand({ EndpointArn: arn, Attributes: { Token: token, Enabled: 'true' } }));
      }
      return arn;
    },

    async removeEndpoint(endpointArn) {
      if (endpointArn) await sns().send(new DeleteEndpointCommand({ EndpointArn: endpointArn }));
    },

    async send(device, message) {
      // Every device stored in a deployed stage got an endpoint when it registered; one without is unusable.
      if (!device.endpointArn) return 'gone';
      try {
        await sns().send(new PublishCommand({ TargetArn: device.endpointArn, MessageStructure: 'json', Message: platformPayloads(message) }));
        return 'sent';
      } catch (err) {
        if (goneCodes.has(errorCode(err) ?? '')) return 'gone';
        throw err;
      }
    },

    async forgetUser() {},
  };
}
