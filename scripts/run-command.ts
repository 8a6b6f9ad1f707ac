// The end of an `npm run <command>` script: its exit code, or its error's message (no stack) and exit code 1.
export function runCommand(command: string, main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`npm run ${command} failed: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
