// BACnet ReadPropertyMultiple of every object, timed per object (bench/bacnet/run.sh starts the
// simulator). Three shapes: present-value of 100 objects per request (one reply segment or a few),
// ALL properties of 20 objects per request (segmented replies of many segments), and ReadProperty of
// each present value one by one. Usage: node rpm.mjs DEVICE_ADDRESS DEVICE_INSTANCE [ROUNDS]
import { createRequire } from 'node:module';
const require = createRequire(new URL('../../tests/bacnet/', import.meta.url));
const Bacnet = require('@bacnet-js/client');
const Client = Bacnet.default || Bacnet;

const [address, instance, roundsText] = process.argv.slice(2);
const rounds = Number(roundsText || 5);
const client = new Client({ port: 47799, interface: '127.0.0.1', apduTimeout: 5000 });
const target = { address };
const percentile = (xs, p) => xs.slice().sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))];

client.on('listening', async () => {
  const list = await client.readProperty(target, { type: 8, instance: Number(instance) }, 76);
  const objects = list.values.map((v) => v.value);
  const shapes = [
    ['RPM present-value, 100 objects/request', 100, [{ id: 85, index: 0xFFFFFFFF }]],
    ['RPM ALL, 20 objects/request', 20, [{ id: 8, index: 0xFFFFFFFF }]],
  ];
  for (const [name, per, properties] of shapes) {
    const times = [];
    const start = process.hrtime.bigint();
    for (let r = 0; r < rounds; ++r) {
      for (let i = 0; i < objects.length; i += per) {
        const t0 = process.hrtime.bigint();
        const reply = await client.readPropertyMultiple(target, objects.slice(i, i + per).map((o) => ({ objectId: o, properties })));
        times.push(Number(process.hrtime.bigint() - t0) / 1e3);
        if (reply.values.length !== Math.min(per, objects.length - i)) throw new Error('short reply');
      }
    }
    const total = Number(process.hrtime.bigint() - start) / 1e3;
    console.log(`${name}: ${(total / (rounds * objects.length)).toFixed(1)} us per object; per request p50 ${percentile(times, 0.5).toFixed(0)} us, ` +
                `p99 ${percentile(times, 0.99).toFixed(0)} us (${times.length} requests)`);
  }
  const times = [];
  for (const o of objects.filter((x) => x.type !== 8)) {
    const t0 = process.hrtime.bigint();
    await client.readProperty(target, o, 85);
    times.push(Number(process.hrtime.bigint() - t0) / 1e3);
  }
  console.log(`ReadProperty present-value one by one: ${(times.reduce((a, b) => a + b, 0) / times.length).toFixed(1)} us per object; ` +
              `p50 ${percentile(times, 0.5).toFixed(0)} us, p99 ${percentile(times, 0.99).toFixed(0)} us (${times.length} requests)`);
  client.close();
});
