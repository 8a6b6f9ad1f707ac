const process = require('node:process');

// Every local port of the platform, in one place. serverless.yml files read a service's ports as
// ${file(../../scripts/config/ports.cjs):<service>.http} and the dev orchestrator reads the same table,
// so they cannot disagree. PHOTONOTES_PORT_OFFSET shifts every port at once: the test platform runs with an
// offset so `npm test` works while `npm run dev` holds the default ports.

/** Each service's slot: its ports are 3100 + slot (http), 3200 + slot (Lambda invoke API), and so on. */
const serviceSlots = { users: 1, 'core-api': 2, search: 3, notifications: 4, thumbnails: 5, iot: 6, analytics: 7 };

// mqtt: the local AWS IoT Core broker; iotData: its data-plane endpoint (Publish, DeleteConnection, retained messages);
// sqs: the queue emulator (scripts/platform/delivery/sqs-queues.ts); web: Vite's dev server for clients/web (npm run dev
// only; the gateway serves it at /app).
const emulatorBase = { gateway: 3000, dynamodb: 8000, sns: 4002, s3: 4569, cognito: 9229, mqtt: 1883, iotData: 4580, sqs: 4576, web: 5173 };

function portOffset(env = process.env) {
  const raw = env.PHOTONOTES_PORT_OFFSET;
  if (raw === undefined || raw === '') return 0;
  const offset = Number(raw);
  if (!Number.isInteger(offset) || offset < 0 || offset > 50000) throw new Error(`PHOTONOTES_PORT_OFFSET must be an integer 0..50000, got "${raw}"`);
  return offset;
}

function servicePorts(name, offset = portOffset()) {
  const slot = serviceSlots[name];
  if (slot === undefined) throw new Error(`scripts/config/ports.cjs has no slot for service "${name}"`);
  return {
    http: offset + 3100 + slot,
    lambda: offset + 3200 + slot,
    websocket: offset + 3300 + slot,
    alb: offset + 3400 + slot,
  };
}

function emulatorPorts(offset = portOffset()) {
  return Object.fromEntries(Object.entries(emulatorBase).map(([name, port]) => [name, port + offset]));
}

module.exports = { serviceSlots, portOffset, servicePorts, emulatorPorts };
// ${file(...):users.http} and friends: one entry per service for serverless.yml.
for (const name of Object.keys(serviceSlots)) module.exports[name] = () => servicePorts(name);
