// DynamoDB Local is a Java program: say plainly what to install when Java is missing or too old,
// instead of letting a spawn error or a class-version stack trace stand for it.
import { execFile } from 'node:child_process';

const minimumJava = 17;

export function parseJavaMajor(versionOutput: string): number | null {
  // `java -version` prints e.g. 'openjdk version "17.0.12" 2024-07-16' or 'java version "1.8.0_401"' on stderr.
  const match = /version "(\d+)(?:\.(\d+))?/.exec(versionOutput);
  if (!match?.[1]) return null;
  const first = Number(match[1]);
  return first === 1 && match[2] ? Number(match[2]) : first;
}

export const javaInstallHint = `Java ${minimumJava} or newer is needed for DynamoDB Local: install a JRE (Debian/Ubuntu: apt-get install -y openjdk-17-jre-headless; macOS: brew install openjdk@17) and make sure 'java' is on PATH.`;

export async function assertJavaAvailable(): Promise<void> {
  const output = await new Promise<string | null>((resolve) => {
    execFile('java', ['-version'], { timeout: 10_000 }, (error, stdout, stderr) => resolve(error ? null : `${stderr}${stdout}`));
  });
  if (output === null) throw new Error(`No 'java' found. ${javaInstallHint}`);
  const major = parseJavaMajor(output);
  if (major === null || major < minimumJava) throw new Error(`Found Java ${major ?? 'of an unknown version'}. ${javaInstallHint}`);
}
