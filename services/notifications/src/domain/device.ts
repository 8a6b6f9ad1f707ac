// A registered device and the rules for push tokens. One token has one device and one owner: registering a
// token another user had moves it. The rule for tokens (what a push service could ever have issued):
//   ios     APNs device token: 64..200 hexadecimal characters (32 bytes today), compared lower-case.
//   android FCM registration token: 100..300 characters of A-Z a-z 0-9 _ : - (about 150-200 today).
// Anything else (empty, whitespace, another alphabet, kilobytes) is refused with 400 before anything is written.

export const platforms = ['ios', 'android'] as const;
export type Platform = (typeof platforms)[number];

export interface Device {
  deviceId: string;
  userId: string;
  platform: Platform;
  token: string;
  appVersion: string | null;
  /** The SNS platform endpoint in deployed stages; null where pushes are only recorded (local stage). */
  endpointArn: string | null;
  createdAt: string;
  updatedAt: string;
}

/** Who holds a token now. */
export interface TokenOwner {
  userId: string;
  deviceId: string;
  endpointArn: string | null;
}

/** A user keeps at most this many devices: it bounds every push fan-out and the device list. */
export const maxDevicesPerUser = 20;

interface TokenRule {
  pattern: RegExp;
  message: string;
  normalise: (token: string) => string;
}

export const tokenRules: Record<Platform, TokenRule> = {
  ios: {
    pattern: /^[0-9a-fA-F]{64,200}$/,
    message: 'An APNs device token is 64 to 200 hexadecimal characters',
    normalise: (token) => token.toLowerCase(),
  },
  android: {
    pattern: /^[A-Za-z0-9_:-]{100,300}$/,
    message: 'An FCM registration token is 100 to 300 characters of A-Z, a-z, 0-9, "_", ":" and "-"',
    normalise: (token) => token,
  },
};

/** The token as stored and compared, or undefined when no push service could have issued it. */
export function normaliseToken(platform: Platform, token: string): string | undefined {
  const rule = tokenRules[platform];
  return rule.pattern.test(token) ? rule.normalise(token) : undefined;
}

/** What the API shows of a device (never the token's endpoint). */
export interface DeviceView {
  deviceId: string;
  platform: Platform;
  appVersion: string | null;
  createdAt: string;
  updatedAt: string;
}

export function toDeviceView(device: Device): DeviceView {
  return { deviceId: device.deviceId, platform: device.platform, appVersion: device.appVersion, createdAt: device.createdAt, updatedAt: device.updatedAt };
}
