// Checks what `sls package` put in the thumbnails zips: the processor carries sharp with the native binary
// and libvips for its Lambda architecture (read from the packaged CloudFormation template) and nothing for
// another platform; every other function is free of sharp and native addons.
//   npx tsx services/thumbnails/test/package/check-processor-zip.ts            (after packaging)
//   npx tsx services/thumbnails/test/package/check-processor-zip.ts --package  (packages stage dev first)
import { execFileSync, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import path from 'node:path';

const serviceDir = path.resolve(__dirname, '..', '..');
const repoRoot = path.resolve(serviceDir, '..', '..');
const outDir = path.join(serviceDir, '.serverless');

// e_machine in the ELF header.
const elfMachines: Record<string, number> = { arm64: 0xb7, x64: 0x3e };

const python = `
import json, sys, zipfile
z = zipfile.ZipFile(sys.argv[1])
names = z.namelist()
elf = {n: int.from_bytes(z.read(n)[18:20], 'little') for n in names if n.endswith('.node') or '.so' in n.rsplit('/', 1)[-1]}
sharp = json.loads(z.read('node_modules/sharp/package.json')) if 'node_modules/sharp/package.json' in names else None
print(json.dumps({'names': names, 'elf': elf, 'sharpVersion': sharp and sharp['version']}))
`;

interface ZipReport {
  names: string[];
  elf: Record<string, number>;
  sharpVersion: string | null;
}

function inspectZip(zip: string): ZipReport {
  return JSON.parse(execFileSync('python3', ['-c', python, zip], { encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })) as ZipReport;
}

interface Template {
  Resources: Record<string, { Type: string; Properties?: { Architectures?: string[] } }>;
}

function packageService(): void {
  const env = { ...process.env, SLS_TELEMETRY_DISABLED: '1', SLS_NOTIFICATIONS_MODE: 'off', AWS_ACCESS_KEY_ID: 'package-only', AWS_SECRET_ACCESS_KEY: 'package-only', AWS_REGION: 'us-east-1' };
  const sls = path.join(repoRoot, 'node_modules', 'serverless', 'bin', 'serverless.js');
  const result = spawnSync(process.execPath, [sls, 'package', '--stage', 'dev'], { cwd: serviceDir, env, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`sls package failed:\n${result.stdout}\n${result.stderr}`);
}

export function checkThumbnailsZips(): string[] {
  const problems: string[] = [];
  const template = JSON.parse(readFileSync(path.join(outDir, 'cloudformation-template-update-stack.json'), 'utf8')) as Template;
  const architecture = template.Resources.ProcessUploadLambdaFunction?.Properties?.Architectures?.[0] ?? 'x86_64';
  const arch = architecture === 'arm64' ? 'arm64' : 'x64';
  const expectedSharp = (JSON.parse(readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> }).dependencies.sharp;

  const processor = inspectZip(path.join(outDir, 'processUpload.zip'));
  const platformPackages = [...new Set(processor.names.flatMap((n) => /^node_modules\/@img\/(sharp-[^/]+)\//.exec(n)?.[1] ?? []))].sort();
  if (processor.sharpVersion !== expectedSharp) problems.push(`processUpload ships sharp ${processor.sharpVersion ?? 'nowhere'}, package.json pins ${expectedSharp}`);
  const expectedPackages = [`sharp-libvips-linux-${arch}`, `sharp-linux-${arch}`];
  if (JSON.stringify(platformPackages) !== JSON.stringify(expectedPackages)) {
    problems.push(`processUpload (${architecture}) ships ${platformPackages.join(', ') || 'no sharp platform package'}; expected exactly ${expectedPackages.join(', ')}`);
  }
  const binaries = Object.entries(processor.elf);
  if (!binaries.some(([name]) => name.endsWith('.node'))) problems.push('processUpload has no sharp addon (.node)');
  if (!binaries.some(([name]) => name.includes('libvips-cpp.so'))) problems.push('processUpload has no libvips');
  for (const [name, machine] of binaries) {
    if (machine !== elfMachines[arch]) problems.push(`${name} is built for ELF machine 0x${machine.toString(16)}, not ${architecture}`);
  }
  if (!processor.names.includes('src/functions/process-upload.js')) problems.push('processUpload has no handler bundle');

  const state = JSON.parse(readFileSync(path.join(outDir, 'serverless-state.json'), 'utf8')) as { service: { functions: Record<string, unknown> } };
  const others = Object.keys(state.service.functions).filter((fn) => fn !== 'processUpload');
  for (const fn of others) {
    const report = inspectZip(path.join(outDir, `${fn}.zip`));
    const native = report.names.filter((n) => n.includes('sharp') || n.endsWith('.node') || n.startsWith('node_modules/'));
    if (native.length > 0) problems.push(`${fn} ships ${native.slice(0, 3).join(', ')}${native.length > 3 ? '…' : ''}`);
  }
  console.log(`processUpload (${architecture}): sharp ${processor.sharpVersion}, ${platformPackages.join(' + ')}, ${binaries.length} native files all ${arch}; ${others.length} other functions free of sharp`);
  return problems;
}

if (require.main === module) {
  if (process.argv.includes('--package')) packageService();
  const problems = checkThumbnailsZips();
  if (problems.length > 0) {
    console.error(`${problems.length} problem(s):\n- ${problems.join('\n- ')}`);
    process.exit(1);
  }
  console.log('thumbnails zips: OK');
}
