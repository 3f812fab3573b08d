// An independent BACnet/IP client for the tests (@bacnet-js/client, written by no one on this
// project): one JSON request per stdin line, one JSON reply per stdout line, so a pytest drives it
// while it advances the rig. Unconfirmed messages it receives (I-Am, COV notifications) are kept
// and handed over with {"op": "events"}. Usage: node peer.mjs PORT [INTERFACE]
import readline from 'node:readline';
import Bacnet from '@bacnet-js/client';

const Client = Bacnet.default || Bacnet;
const port = Number(process.argv[2] || 47809);
const iface = process.argv[3] || '127.0.0.1';
const client = new Client({ port, interface: iface, apduTimeout: Number(process.env.BACNET_APDU_TIMEOUT || 3000) });
const events = [];

const plain = (v) => JSON.parse(JSON.stringify(v, (k, x) => (typeof x === 'bigint' ? Number(x) : x)));
const senderOf = (m) => m.header && m.header.sender ? m.header.sender.address : null;
client.on('iAm', (m) => events.push({ event: 'iAm', from: senderOf(m), payload: plain(m.payload) }));
client.on('covNotifyUnconfirmed', (m) => events.push({ event: 'cov', confirmed: false, from: senderOf(m), payload: plain(m.payload) }));
client.on('covNotify', (m) => {
  events.push({ event: 'cov', confirmed: true, from: senderOf(m), payload: plain(m.payload) });
  if (process.env.BACNET_NO_COV_ACK !== '1') client.simpleAckResponse(m.header.sender, m.service, m.invokeId);
});
client.on('error', (e) => events.push({ event: 'error', message: String(e) }));

const options = (r) => {
  const o = {};
  if (r.maxApdu !== undefined) o.maxApdu = r.maxApdu;
  if (r.maxSegments !== undefined) o.maxSegments = r.maxSegments;
  if (r.index !== undefined) o.arrayIndex = r.index;
  return o;
};
const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

async function run(r) {
  const address = { address: r.address };
  switch (r.op) {
    case 'whoIs': {
      client.whoIs(address, r.low !== undefined ? { lowLimit: r.low, highLimit: r.high } : {});
      await sleep(r.wait_ms ?? 300);
      return {};
    }
    case 'events': return { events: events.splice(0) };
    case 'readProperty': {
      const v = await client.readProperty(address, { type: r.type, instance: r.instance }, r.property, options(r));
      return { values: plain(v.values) };
    }
    case 'readPropertyMultiple': {
      const specs = r.specs.map((s) => ({ objectId: { type: s.type, instance: s.instance },
        properties: s.props.map((p) => ({ id: p.id, index: p.index ?? 0xFFFFFFFF })) }));
      const v = await client.readPropertyMultiple(address, specs, options(r));
      return { values: plain(v.values) };
    }
    case 'writeProperty': {
      await client.writeProperty(address, { type: r.type, instance: r.instance }, r.property, [r.value],
        { priority: r.priority, ...options(r) });
      return {};
    }
    case 'subscribeCov': {
      await client.subscribeCov(address, { type: r.type, instance: r.instance }, r.id, !!r.cancel, !!r.confirmed, r.lifetime ?? 0);
      return {};
    }
    case 'dcc': {
      await client.deviceCommunicationControl(address, r.minutes ?? 0, r.state, r.password ? { password: r.password } : {});
      return {};
    }
    case 'timeSync': {
      const when = new Date(r.iso);
      if (r.utc) client.timeSyncUTC(address, when); else client.timeSync(address, when);
      await sleep(100);
      return {};
    }
    default: throw new Error(`unknown op ${r.op}`);
  }
}

client.on('listening', () => {
  process.stdout.write(JSON.stringify({ ready: true }) + '\n');
  const lines = readline.createInterface({ input: process.stdin });
  let chain = Promise.resolve();
  lines.on('line', (line) => {
    chain = chain.then(async () => {
      let reply;
      try {
        reply = { ok: true, ...(await run(JSON.parse(line))) };
      } catch (e) {
        reply = { ok: false, error: String(e && e.message ? e.message : e) };
      }
      process.stdout.write(JSON.stringify(reply) + '\n');
    });
  });
  lines.on('close', () => chain.then(() => { client.close(); process.exit(0); }));
});
